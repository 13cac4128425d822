import type { Logger } from "./logger.server.ts";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Where mail goes. Pluggable: the default writes to the server log, so no SMTP is needed to run. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export function logMailer(logger: Logger): Mailer {
  return {
    async send(mail) {
      logger.info(`mail to ${mail.to}: ${mail.subject}\n${mail.text}`);
    },
  };
}
