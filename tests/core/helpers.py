from alongside.core.matching import MentorProfile

READY = dict(
    active=True, paused=False, training_ok=True, checks_ok=True, supervision_ok=True, capacity=2
)


def ready_mentor(mentor_id="m1", **fields):
    return MentorProfile(mentor_id, **{**READY, **fields})
