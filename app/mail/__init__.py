"""Mail, shared by every feature that sends some (the newsletter, moderation's digest).

- `addresses`: the normal form of an address, the check before sending, the masked form for logs.
- `rendering`: a mail's text and HTML parts in the recipient's language (templates/mail/_layout.html).
- `kinds`: the kinds of mail, registered by the features that send them.
- `outbox`: every mail queued under a unique key, claimed, sent once, retried with back-off.
- `transport`: SMTP, or without MAIL_SERVER the log.
"""
