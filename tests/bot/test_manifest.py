"""The shipped manifest declares what the code uses: commands, events, scopes, interactivity."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "bot" / "manifest.yaml"

# The bot scope each Web API method needs (Slack's method pages); None: no scope of its own.
# Every method the code calls must be here: a new call fails this test until its scope is known.
METHOD_SCOPES: dict[str, str | None] = {
    "chat.postMessage": "chat:write", "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write", "users.info": "users:read",
    "usergroups.users.list": "usergroups:read",
    "files.upload_v2": "files:write",  # slack_sdk: files.getUploadURLExternal + completeUploadExternal
    "conversations.history": "channels:history", "conversations.replies": "channels:history",
    "views.open": None, "views.publish": None,
}
API_FAMILIES = ("chat", "users", "usergroups", "files", "conversations", "views", "reactions",  # not team_*: settings
                "apps", "pins", "bookmarks", "reminders", "dnd", "emoji")


def called_methods() -> set[str]:
    """The Web API methods ``bot/`` calls: ``client.chat_postMessage`` → ``chat.postMessage``."""
    found: set[str] = set()
    for path in (MANIFEST.parent).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute):
                family, _, rest = node.attr.partition("_")
                if family in API_FAMILIES and rest:
                    method = f"{family}.{rest.replace('_', '.')}"
                    found.add("files.upload_v2" if method == "files.upload.v2" else method)
    return found


# Scopes a call needs beyond its method's own: chat.postMessage with a user id opens a DM.
DM_SCOPE = "im:write"  # bot.digests.scheduler.SlackPoster.notify


def test_manifest_matches_the_app() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(commands) == {"/recommend", "/digest"}
    assert commands["/digest"]["should_escape"] is True  # channel mentions arrive as ids
    for command in commands.values():
        assert command["url"].endswith("/slack/events")
        assert len(command["description"]) <= 100
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert called_methods() <= set(METHOD_SCOPES)  # a new Web API call: name its scope above
    SCOPES = {m: s for m, s in ((m, METHOD_SCOPES[m]) for m in called_methods()) if s}
    assert {"commands", DM_SCOPE, *SCOPES.values()} <= scopes
    app_home = manifest["features"]["app_home"]
    assert app_home["messages_tab_enabled"] is True  # the DMs have somewhere to show
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert "app_home_opened" in settings["event_subscriptions"]["bot_events"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert settings["socket_mode_enabled"] is True
