"""E-mail over SMTP and the reminder policy of the deadline workers.

`policy`  which reminders a case's running deadlines call for on a given day (pure: dates and the calendar);
`message` the reminder and digest e-mails, in Chinese, plain text and HTML, without applicant personal data;
`smtp`    the SMTP URL, one connection for a batch, and which failures are worth retrying (4xx) and which not (5xx).
"""
