from django.apps import AppConfig


def recompute_on_calendar_change(council, day, why, actor) -> int:
    """A closure day was added or removed (org.services.on_calendar_change): open enquiries not
    yet due get their due dates recomputed, within the caller's transaction. The moment of the
    change is read here, at the boundary, and passed in."""
    from django.utils import timezone

    from enquiries.services import enquiries_recompute_for_calendar

    return enquiries_recompute_for_calendar(
        council=council, day=day, why=why, actor=actor, as_of=timezone.now()
    )


class EnquiriesConfig(AppConfig):
    name = "enquiries"
    verbose_name = "Member enquiries"

    def ready(self) -> None:
        from django.conf import settings

        from enquiries import council_data, permissions, services
        from enquiries.demo import seed_enquiries
        from enquiries.home import member_panel, officer_panel, oversight_panel, start_panel
        from enquiries.services.preview import enquiry_route_preview
        from protocol_portal.casework.models import RetentionAction
        from protocol_portal.casework.registry import CaseTypeSpec, NavEntry, register
        from protocol_portal.org.council_files import Section, section_register
        from protocol_portal.org.models import CaseType

        # The members' enquiries mailbox is council data (`mailbox:` in the council's file).
        section_register("mailbox", Section(council_data.validate, council_data.write))

        register(
            CaseTypeSpec(
                services.LABEL,
                on_rung=services.enquiry_on_rung,
                on_rungs=services.enquiry_on_rungs,
                # A member's own enquiries; an officer's queue.
                nav=NavEntry(
                    "Enquiries",
                    "enquiries:index",
                    "enquiries",
                    by_role=(("member", "enquiries:index"), ("officer", "enquiries:queue")),
                ),
                panels=(start_panel, member_panel, officer_panel, oversight_panel),
                retention={
                    services.LABEL: (
                        24,
                        RetentionAction.ANONYMISE,
                        "Routine casework: 2 years after closure",
                    ),
                    # Not a case: email the mailbox set aside (enquiries/mail_retention.py).
                    "enquiries.InboundMessage": (
                        settings.ENQUIRY_SET_ASIDE_KEEP_MONTHS,
                        RetentionAction.DELETE,
                        "Set-aside email: after member services dealt with it, or after it "
                        "arrived if automatic",
                    ),
                },
                routing_case_types=(CaseType.ENQUIRY,),
                on_calendar_change=recompute_on_calendar_change,
                access=permissions.ACCESS,
                demo=seed_enquiries,
                route_preview=enquiry_route_preview,
            )
        )
