// Secrets for the test processes; imported before anything that signs tokens.
process.env.NODE_ENV ??= 'test';
process.env.JWT_SECRET ??= 'gateway-test-jwt-secret-0123456789abcdef';
process.env.GATEWAY_SECRET ??= 'gateway-test-internal-secret-0123456789abcdef';
