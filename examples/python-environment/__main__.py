"""Tags an environment's sessions from Python: two sessions of its own, its labels on a
session someone else made, and a lookup of what already carries the environment's label."""

import pulumi
import pulumi_agb as agb

config = pulumi.Config()
environment = config.get("environment") or "dev"
team = config.get("team") or "platform"
# A session this stack does not own (made by a script, another stack, a person):
# the stack only puts its own label keys on it.
shared_session_id = config.require("sharedSessionId")
# Set it with `pulumi config set --secret owner ...`: it stays secret in state and output.
owner = config.require_secret("owner")

# Sessions already carrying this environment's label, whoever made them.
tagged = agb.get_sessions_output(labels={"environment": environment})

web = agb.Session(
    "web",
    image_id="agb-code-space-1",
    labels={"environment": environment, "team": team, "role": "web"},
)
worker = agb.Session(
    "worker",
    image_id="agb-code-space-1",
    idle_release_timeout=1800,
    labels={
        "environment": environment,
        "team": team,
        "role": "worker",
        "owner": owner,
        # Another resource's output: unknown while web is being created or updated.
        "web-session": web.session_id,
    },
)
shared_labels = agb.SessionLabels(
    "sharedLabels",
    session_id=shared_session_id,
    labels={"environment": environment, "team": team},
)

pulumi.export("webSessionId", web.session_id)
pulumi.export("workerSessionId", worker.session_id)
pulumi.export("sharedLabels", shared_labels.session_labels)
pulumi.export("alreadyTagged", tagged.session_ids)
