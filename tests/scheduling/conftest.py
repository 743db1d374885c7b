from tests.api.conftest import api  # noqa: F401  (the API caller fixture)
from tests.mail.conftest import mail_server  # noqa: F401,E402  (a real SMTP server on localhost)
