"""``civic-bus``: provision the bus, and print its table of least privilege.

``civic-bus provision`` is what compose's ``kafka-init`` container runs: it creates the
platform's topics, every fixed principal's SCRAM credential (passwords from the secrets
folder) and their ACLs, as the super user. ``civic-bus grants`` prints the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from civic.bus.access import KafkaAccess
from civic.bus.admin import BusAdmin
from civic.bus.grants import markdown_table
from civic.bus.platform import provision
from civic.secrets import password_of

app = typer.Typer(help="消息总线的账号与权限 (Kafka principals and ACLs)", no_args_is_help=True)
Secrets = Annotated[Path, typer.Option(envvar="SECRETS_DIR", help="The secrets folder.")]


@app.command("provision")
def provision_command(
    bootstrap: Annotated[str, typer.Option(envvar="KAFKA_BOOTSTRAP_SERVERS")],
    secrets_dir: Secrets,
    partitions: Annotated[int, typer.Option(envvar="KAFKA_PARTITIONS")] = 6,
    replication: Annotated[int, typer.Option(envvar="KAFKA_REPLICATION")] = 1,
) -> None:
    """Creates the platform's topics, principals and ACLs that are missing."""
    access = KafkaAccess(
        bootstrap, "admin", password_of(secrets_dir, "admin"), secrets_dir / "kafka" / "ca.crt"
    )
    created = provision(
        BusAdmin(access), secrets_dir, partitions=partitions, replication=replication
    )
    typer.echo(f"bus provisioned; {len(created)} topics created")


@app.command("grants")
def grants_command() -> None:
    """Prints every principal's grants as a Markdown table."""
    typer.echo(markdown_table(), nl=False)


def main() -> None:
    """Entry point of ``civic-bus``."""
    app()
