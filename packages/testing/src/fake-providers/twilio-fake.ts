// Twilio's Programmable Messaging REST API, as far as sending needs it:
//   POST /2010-04-01/Accounts/{AccountSid}/Messages.json  (basic auth, form)
//   GET  same path (To, From, PageSize filters), newest first
// Answers carry Twilio's field names (sid, date_created in RFC 2822…) and its
// error shape ({ code, message, more_info, status }).
import { randomBytes } from 'node:crypto';
import type { HttpFake } from './http-fake.ts';

export interface TwilioMessage {
  sid: string;
  account_sid: string;
  to: string;
  from: string;
  body: string;
  status: string;
  date_created: string;
  direction: string;
}

export interface TwilioFake {
  accountSid: string;
  authToken: string;
  messages: TwilioMessage[];
}

const E164 = /^\+[1-9]\d{6,14}$/;

export function registerTwilio(fake: HttpFake, prefix: string, account: { accountSid: string; authToken: string }): TwilioFake {
  const messages: TwilioMessage[] = [];
  const path = `${prefix}/2010-04-01/Accounts/:sid/Messages.json`;
  const authorized = (headers: Record<string, string>, sid: string) =>
    headers['authorization'] === `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}` && sid === account.accountSid;
  const error = (status: number, code: number, message: string) => ({ status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } });

  fake.route('twilio.messages.create', 'POST', path, (request, { sid }) => {
    if (!authorized(request.headers, sid!)) return error(401, 20003, 'Authenticate');
    const form = request.form ?? {};
    if (!form['To'] || !E164.test(form['To'])) return error(400, 21211, `The 'To' number ${form['To'] ?? ''} is not a valid phone number.`);
    if (!form['From']) return error(400, 21603, "A 'From' phone number is required.");
    if (!form['Body']) return error(400, 21602, 'Message body is required.');
    const message: TwilioMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      account_sid: sid!,
      to: form['To'],
      from: form['From'],
      body: form['Body'],
      status: 'queued',
      date_created: new Date().toUTCString().replace('GMT', '+0000'),
      direction: 'outbound-api',
    };
    messages.push(message);
    return { status: 201, body: message };
  });
  fake.route('twilio.messages.list', 'GET', path, (request, { sid }) => {
    if (!authorized(request.headers, sid!)) return error(401, 20003, 'Authenticate');
    const to = request.query.get('To');
    const from = request.query.get('From');
    const size = Number(request.query.get('PageSize') ?? 50);
    const list = messages.filter((m) => (!to || m.to === to) && (!from || m.from === from)).slice().reverse().slice(0, size);
    return { status: 200, body: { messages: list, page: 0, page_size: size } };
  });
  return { ...account, messages };
}
