// SMS through Twilio's REST API, spoken directly (no SDK): the twilio package
// builds its URLs from a fixed api.twilio.com host (edge/region only change
// its name), so a local server speaking the same wire format could not stand
// in for it by configuration alone. The calls are exactly Twilio's:
//   POST {TWILIO_API_URL}/2010-04-01/Accounts/{AccountSid}/Messages.json
//        basic auth AccountSid:AuthToken, form-encoded To, From, Body
//   GET  same path with To/From/PageSize to list recent messages.
//
// Exactly once: Twilio's Messages API has no idempotency key. After a crash
// between Twilio's 201 and our record, the retry lists the messages sent from
// our number to the recipient since the earlier attempt and adopts the one
// with the same body instead of sending again (reconcile). Twilio's list
// shows a message as soon as it is created, so the window is closed as long
// as the list answers.
import { plainText, ProviderError, requiredSetting, sameText, type Connector, type PublishRequest, type PublishResult } from './connector.ts';
import type { ProviderEndpoints } from './endpoints.ts';
import { callProvider, joinUrl } from './http.ts';

interface TwilioMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  status: string;
  date_created: string;
}

/** The SMS text: the item's body as plain text, in one GSM-7-friendly line block. */
export function smsBody(request: PublishRequest): string {
  const text = plainText(request.item.body);
  const stop = request.item.locale.startsWith('fr') ? 'STOP au numéro d’envoi pour ne plus recevoir' : 'Reply STOP to opt out';
  return `${text}\n${stop}`;
}

export function twilioConnector(endpoints: ProviderEndpoints): Connector {
  function account(request: PublishRequest) {
    const sid = requiredSetting(request.settings, 'accountSid', 'Twilio');
    const from = requiredSetting(request.settings, 'from', 'Twilio');
    const token = request.credentials.secret;
    if (!token) throw new ProviderError('the Twilio connection has no auth token', { retryable: false });
    const url = joinUrl(endpoints.twilio, `/2010-04-01/Accounts/${encodeURIComponent(sid)}/Messages.json`);
    const auth = `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;
    return { sid, from, url, auth };
  }

  return {
    code: 'twilio',
    channels: ['sms'],
    perRecipient: true,
    oauth: false,
    describe(request) {
      const sid = typeof request.settings['accountSid'] === 'string' ? request.settings['accountSid'] : '?';
      return { method: 'POST', url: joinUrl(endpoints.twilio, `/2010-04-01/Accounts/${sid}/Messages.json`), to: request.recipient?.contactId ?? null };
    },
    async publish(request): Promise<PublishResult> {
      if (!request.recipient) throw new ProviderError('an SMS needs a recipient', { retryable: false });
      const { url, auth, from } = account(request);
      const answer = await callProvider<TwilioMessage>({
        method: 'POST',
        url,
        headers: { authorization: auth },
        body: new URLSearchParams({ To: request.recipient.address, From: from, Body: smsBody(request) }),
      });
      return { externalId: answer.body.sid, responseStatus: answer.status };
    },
    async reconcile(request, since): Promise<PublishResult | null> {
      if (!request.recipient) return null;
      const { url, auth, from } = account(request);
      const query = new URLSearchParams({ To: request.recipient.address, From: from, PageSize: '50' });
      const answer = await callProvider<{ messages: TwilioMessage[] }>({ method: 'GET', url: `${url}?${query}`, headers: { authorization: auth } });
      const body = smsBody(request);
      const found = answer.body.messages.find((m) => sameText(m.body, body) && new Date(m.date_created).getTime() >= since.getTime() - 60_000);
      return found ? { externalId: found.sid, responseStatus: answer.status } : null;
    },
  };
}
