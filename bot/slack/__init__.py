"""Everything that speaks Slack: the Bolt app, listeners and flows, Block Kit and mrkdwn,
the UI strings (ko/en), the ``/recommend`` text grammar, the listener executor, the
per-message update serializer and the HTTP / Socket Mode server."""
