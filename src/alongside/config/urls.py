from django.urls import include, path

from alongside.api.urls import api
from alongside.config import views
from alongside.outcomes.urls import link_urlpatterns

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("services/", include("alongside.organisations.urls")),
    path("mentors/", include("alongside.mentors.urls")),
    path("patients/", include("alongside.patients.urls")),
    path("matches/", include("alongside.matches.urls")),
    path("contacts/", include("alongside.contacts.urls")),
    path("notifications/", include("alongside.notifications.urls")),
    path("outcomes/", include("alongside.outcomes.urls")),
    path("q/", include((link_urlpatterns, "outcomes"), namespace="outcomes_link")),
    path("reports/", include("alongside.reports.urls")),
    path("evaluation/", include("alongside.evaluation.urls")),
    path("audit/", include("alongside.audit.urls")),
    path("privacy/", include("alongside.privacy.urls")),
    path("", include("alongside.accounts.urls")),
]

handler404 = "alongside.config.errors.not_found"
handler500 = "alongside.config.errors.server_error"
handler403 = "alongside.config.errors.forbidden"
handler400 = "alongside.config.errors.bad_request"
