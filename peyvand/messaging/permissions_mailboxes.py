"""Who may connect, change and read mailboxes.

A private mailbox is its owner's alone to change; a shared one (sales@, support@) an administrator's. Its mail is
read in full by the mailbox's people (the owner; for a shared one its members, its teams and the administrators);
anyone else reads a message through a record it is linked to, and then, for a private mailbox that keeps its mail
to "metadata only", sees who wrote to whom about what and when, never the body.
"""

MAILBOX_FORBIDDEN = "mailbox.forbidden"
SHARED_FORBIDDEN = "mailbox.shared_forbidden"


def can_open_mailboxes(user) -> bool:
    """Any signed-in person may connect their own mailbox."""
    return bool(user and user.is_authenticated and user.is_active)


def can_manage_shared(user) -> bool:
    return bool(user and user.is_authenticated and user.is_admin)


def can_manage_mailbox(user, mailbox) -> bool:
    if not (user and user.is_authenticated):
        return False
    if mailbox.shared:
        return can_manage_shared(user)
    return mailbox.owner_id == user.pk


def is_mailbox_person(user, mailbox) -> bool:
    """Whether the user reads the mailbox's mail in full, whatever record it is on."""
    if not (user and user.is_authenticated):
        return False
    if mailbox.owner_id == user.pk:
        return True
    if not mailbox.shared:
        return False
    if user.is_admin:
        return True
    if mailbox.members.filter(pk=user.pk).exists():
        return True
    return bool(user.team_id and mailbox.teams.filter(pk=user.team_id).exists())


def may_read_body(user, mailbox) -> bool:
    """For someone who sees the message through a record: the whole message unless a private mailbox keeps it
    to metadata."""
    from peyvand.messaging.models_mailboxes import Privacy

    return mailbox.shared or mailbox.privacy == Privacy.FULL or is_mailbox_person(user, mailbox)
