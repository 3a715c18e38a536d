"""What a real SMTP server on 127.0.0.1 (aiosmtpd, the `smtp` fixture) does with mail."""

from email import message_from_bytes


class Inbox:
    """An aiosmtpd handler keeping what it received; refuses for good the addresses listed
    in `refuse` (550), for now those in `defer` (450)."""

    def __init__(self):
        self.messages, self.refuse, self.defer = [], set(), set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        if address in self.defer:
            return "450 4.2.1 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"
