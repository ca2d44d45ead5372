"""The shipped manifest declares what the code uses: commands, events, scopes, interactivity."""

from __future__ import annotations

from pathlib import Path

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "bot" / "manifest.yaml"

# Web API method -> bot scope it needs (methods the bot and the digests call).
SCOPES = {
    "chat.postMessage": "chat:write", "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write", "users.info": "users:read",
    "usergroups.users.list": "usergroups:read", "files.getUploadURLExternal": "files:write",
    "conversations.history": "channels:history",
}
# Scopes a call needs beyond its method's own: chat.postMessage with a user id opens a DM.
DM_SCOPE = "im:write"  # bot.scheduler.SlackPoster.notify


def test_manifest_matches_the_app() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(commands) == {"/recommend", "/digest"}
    assert commands["/digest"]["should_escape"] is True  # channel mentions arrive as ids
    for command in commands.values():
        assert command["url"].endswith("/slack/events")
        assert len(command["description"]) <= 100
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", DM_SCOPE, *SCOPES.values()} <= scopes
    app_home = manifest["features"]["app_home"]
    assert app_home["messages_tab_enabled"] is True  # the DMs have somewhere to show
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert "app_home_opened" in settings["event_subscriptions"]["bot_events"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert settings["socket_mode_enabled"] is True
