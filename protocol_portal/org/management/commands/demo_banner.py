"""manage.py demo_banner ADDRESS: what `bin/up` prints before it serves: where to sign in, the
demo logins and how to choose another port."""

from django.core.management.base import BaseCommand

from protocol_portal.org.demo import DEMO_PASSWORD


def site_url(address: str) -> str:
    """The address runserver is given (`8103`, `127.0.0.1:8103`, `0.0.0.0:8103`) as a URL a
    browser on this machine can open."""
    host, _, port = address.rpartition(":")
    if not host:
        host = "127.0.0.1"
    if host in ("0.0.0.0", "[::]", "::"):
        host = "127.0.0.1"
    return f"http://{host}:{port}"


class Command(BaseCommand):
    help = "Print where the demo site is, how to sign in, and how to pick another port."

    def add_arguments(self, parser):
        parser.add_argument("address", help="what runserver serves on, e.g. 127.0.0.1:8000")
        parser.add_argument("--pid", help="the process to stop (bin/up's own)")

    def handle(self, *args, address, pid=None, **options):
        url = site_url(address)
        stop = f"Ctrl-C here, or kill {pid}" if pid else "Ctrl-C"
        lines = [
            "",
            f"Protocol Portal is at {url}/",
            f"  Sign in:      {url}/login/",
            f"  Every login:  {url}/demo/logins/  (each demo person, their post or seat, and "
            "their login)",
            f"  Password:     {DEMO_PASSWORD} for every demo login; the site administrator's "
            "username is admin.",
            "  Logins look like hackney.chief-executive (a post) or hackney.cllr-hoxton-east-1 "
            "(a councillor).",
            "  Another port:  PORT=8103 bin/up  (or PORT=0.0.0.0:8103 to serve other machines)",
            f"  Stop:         {stop}",
            "",
        ]
        self.stdout.write("\n".join(lines))
