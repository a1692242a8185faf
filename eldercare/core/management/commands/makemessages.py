"""makemessages that also extracts `_n(...)`, the project's alias of gettext_noop: messages of DomainErrors
raised in services are marked with it and translated where they are shown (`_(exc.message)`)."""

from django.core.management.commands.makemessages import Command as MakeMessagesCommand


class Command(MakeMessagesCommand):
    xgettext_options = [*MakeMessagesCommand.xgettext_options, "--keyword=_n"]
