from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "alongside.contacts"
    verbose_name = "Mentoring contacts"

    def ready(self) -> None:
        from alongside.contacts import selectors as summary_selectors
        from alongside.patients.selectors import CASE_SUMMARY_FACTS

        CASE_SUMMARY_FACTS.register(summary_selectors.case_summary_concerns)
        from alongside.accounts import policy
        from alongside.accounts.context_processors import NAVIGATION, NavLink
        from alongside.accounts.home import PANELS, HomePanel
        from alongside.contacts import escalation, home, reminders
        from alongside.notifications.reminders import SWEEPS, ReminderSweep

        NAVIGATION.register(NavLink(40, "Contacts", "contacts:mine", policy.RULES["contact.own"]))
        NAVIGATION.register(NavLink(42, "Pairs", "contacts:pairs", policy.RULES["contact.view"]))
        NAVIGATION.register(
            NavLink(44, "Concerns", "contacts:concerns", policy.RULES["concern.manage"])
        )
        PANELS.register(
            HomePanel(
                role=policy.THERAPIST,
                template="contacts/home/_therapist.html",
                order=10,
                context=home.therapist_panel,
            )
        )
        for role in (policy.THERAPIST, policy.ADMIN):
            PANELS.register(
                HomePanel(
                    role=role,
                    template="contacts/home/_urgent.html",
                    order=0,
                    context=home.urgent_panel,
                    urgent=True,
                )
            )
        PANELS.register(
            HomePanel(
                role=policy.MENTOR,
                template="contacts/home/_mentor.html",
                order=10,
                context=home.mentor_panel,
            )
        )
        for sweep in (
            reminders.first_contact_due,
            reminders.pair_quiet,
            reminders.supervision_due,
            reminders.checks_expiring,
            reminders.survey_invite,
            escalation.crisis_escalation,
        ):
            SWEEPS.register(ReminderSweep(sweep.__name__, sweep))
