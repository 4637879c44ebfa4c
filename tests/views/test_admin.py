"""Without SMTP the administrator sees the mails the service wrote, and nobody else does."""

from __future__ import annotations

from incidents.extensions import db
from incidents.mail import send_mail
from incidents.models import Role
from tests import factories


def test_the_administrator_reads_the_mail_folder(app, world, client_for, tmp_path):
    app.instance_path = str(tmp_path)
    app.config["MAIL_SERVER"] = None
    admin = factories.make_user(Role.admin, None, "admin@example.kg")
    db.session.commit()
    send_mail(["nurlan@example.kg"], "Чакыруу: иш 3/2026", "Шилтеме: /invitations/abc")
    c = client_for(admin)
    listing = c.get("/admin/mail")
    assert listing.status_code == 200 and "Чакыруу: иш 3/2026" in listing.text
    name = next(tmp_path.joinpath("mail").glob("*.eml")).name
    message = c.get(f"/admin/mail/{name}")
    assert message.status_code == 200 and "/invitations/abc" in message.text
    assert c.get("/admin/mail/..%2Fsecret_key").status_code == 404
    assert c.get("/admin/mail/nothing.eml").status_code == 404
    for user in (world.specialist, world.head, world.inspector):
        assert client_for(user).get("/admin/mail").status_code == 403
    assert app.test_client().get("/admin/mail").status_code == 302
