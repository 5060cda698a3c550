"""The local stack's mail: an SMTP sink (aiosmtpd) with a page of what was sent, and the
provider's bounce webhook (Mailgun's format), so mail can be tested end to end offline."""
