"""docker-compose.yml runs the system of the Procfile: the files agree with each other.

No Docker engine is needed: docker-compose.yml, the Procfile, the Dockerfiles, .dockerignore,
the PostgreSQL init script and .env.example are read and compared.
"""

import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pingan_dev.procfile import read_procfile

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("incidents", "assessment", "notify")
PORTS = {"incidents": 8001, "assessment": 8002, "notify": 8003}
CONTAINER_KINDS = ("migrate", "api", "worker")
INFRASTRUCTURE = ("postgres", "redis")
INIT_SCRIPT = ROOT / "deploy" / "postgres" / "init" / "01-databases.sql"

# `$$` is compose's escaped dollar sign; `${NAME…}` and `$NAME` are interpolated.
INTERPOLATION = re.compile(r"\$(?:\$|\{(?P<braced>[A-Za-z_]\w*)[^}]*\}|(?P<bare>[A-Za-z_]\w*))")
REQUIRED_VARIABLE = re.compile(r"\$\{[A-Za-z_]\w*:\?[^}]*\}")
SECRET_NAME = re.compile(r"(?:SECRET|PASSWORD|TOKEN|(?<!PUBLIC_)KEY)$")
URL_PASSWORD = re.compile(r"://[^/:@\s]+:(?P<password>\$\{[^}]*\}|[^/@\s]+)@")
ENV_EXAMPLE_ENTRY = re.compile(r"^(?:#\s*)?(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")


def read_dockerfile(service: str) -> list[tuple[str, str]]:
    """The service's Dockerfile as (INSTRUCTION, arguments), continuations joined."""
    instructions: list[tuple[str, str]] = []
    lines = iter(
        (ROOT / "services" / service / "Dockerfile").read_text(encoding="utf-8").splitlines()
    )
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        while line.endswith("\\"):
            line = line[:-1] + next(lines)
        keyword, _, arguments = line.strip().partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        heredoc = re.search(r"<<-?([\"']?)(\w+)\1", arguments)
        if heredoc:  # the here-document's body is the script, not instructions
            for body_line in lines:
                if body_line.strip() == heredoc.group(2):
                    break
    return instructions


def copy_sources(instructions: list[tuple[str, str]]) -> list[str]:
    """The paths the COPY instructions take from the build context (not from other stages)."""
    sources: list[str] = []
    for keyword, arguments in instructions:
        if keyword != "COPY":
            continue
        words = shlex.split(arguments)
        if not any(word.startswith("--from") for word in words):
            sources += [word for word in words if not word.startswith("--")][:-1]
    return sources


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regex: `**` crosses folders, `*` and `?` stay in one."""
    wildcards = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    regex = ""
    for token in re.findall(r"\*\*/|\*\*|\*|\?|\[[^\]]*\]|[^*?\[]+", pattern):
        if token in wildcards:
            regex += wildcards[token]
        elif token.startswith("["):
            regex += token
        else:
            regex += re.escape(token)
    return re.compile(regex)


def read_dockerignore() -> list[tuple[bool, re.Pattern[str]]]:
    """The .dockerignore patterns in order, each with whether it is an exception (`!`)."""
    patterns: list[tuple[bool, re.Pattern[str]]] = []
    for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            exception = line.startswith("!")
            patterns.append((exception, glob_to_regex(line.lstrip("!").strip("/"))))
    return patterns


def dockerignored(path: str) -> bool:
    """Whether docker leaves `path` out of the build context: it or a folder above it matches."""
    parts = path.strip("/").split("/")
    candidates = ["/".join(parts[: depth + 1]) for depth in range(len(parts))]
    ignored = False
    for exception, pattern in DOCKERIGNORE:
        if any(pattern.fullmatch(candidate) for candidate in candidates):
            ignored = not exception
    return ignored


def strings(node: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every string value of a parsed YAML document, with the mapping key it sits under."""
    if isinstance(node, str):
        yield key, node
    elif isinstance(node, dict):
        for child_key, child in node.items():
            yield from strings(child, str(child_key))
    elif isinstance(node, list):
        for child in node:
            yield from strings(child, key)


def read_env_example() -> dict[str, str]:
    """The variables .env.example documents, set or commented out, with their example values."""
    entries: dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        entry = ENV_EXAMPLE_ENTRY.match(line.strip())
        if entry:
            entries[entry["name"]] = entry["value"]
    return entries


# Each Procfile process, read as `make run` reads it, with its command split as a shell would.
PROCFILE = {
    process.name: shlex.split(process.command) for process in read_procfile(ROOT / "Procfile")
}
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
CONTAINERS: dict[str, dict[str, Any]] = COMPOSE["services"]
DOCKERIGNORE = read_dockerignore()
ENV_EXAMPLE = read_env_example()


def test_compose_file_follows_the_compose_specification() -> None:
    assert "version" not in COMPOSE
    assert set(COMPOSE["volumes"]) >= {"postgres-data", "redis-data"}


@pytest.mark.parametrize(("process", "command"), PROCFILE.items(), ids=list(PROCFILE))
def test_procfile_process_runs_in_compose_with_the_same_command(
    process: str, command: list[str]
) -> None:
    assert process in CONTAINERS
    assert CONTAINERS[process]["command"] == command


def test_compose_runs_no_process_the_procfile_does_not_name() -> None:
    processes = {name for name in CONTAINERS if name.endswith(("-api", "-worker"))}
    assert processes == set(PROCFILE)
    assert processes == {f"{service}-{kind}" for service in SERVICES for kind in ("api", "worker")}


@pytest.mark.parametrize("name", [*PROCFILE, *INFRASTRUCTURE])
def test_long_running_container_is_health_checked_and_restarted(name: str) -> None:
    container = CONTAINERS[name]
    healthcheck = container["healthcheck"]
    assert not healthcheck.get("disable", False)
    assert healthcheck["test"][0] in ("CMD", "CMD-SHELL")
    assert len(healthcheck["test"]) > 1
    assert container["restart"] in ("always", "unless-stopped")


@pytest.mark.parametrize("service", SERVICES)
def test_worker_health_check_asks_arq_about_its_own_settings(service: str) -> None:
    worker = CONTAINERS[f"{service}-worker"]
    program, settings = worker["command"]
    assert program == "arq"
    assert worker["healthcheck"]["test"] == ["CMD", "arq", "--check", settings]


@pytest.mark.parametrize("service", SERVICES)
def test_api_is_published_and_health_checked_on_readyz(service: str) -> None:
    api = CONTAINERS[f"{service}-api"]
    port = PORTS[service]
    probe = api["healthcheck"]["test"]
    assert probe[:3] == ["CMD", "python", "-c"]
    assert "urllib.request.urlopen" in probe[3]
    assert f"http://127.0.0.1:{port}/readyz" in probe[3]
    assert api["environment"][f"{service.upper()}_PORT"] == str(port)
    assert api["ports"] == [f"${{{service.upper()}_PORT:-{port}}}:{port}"]
    assert ("EXPOSE", str(port)) in read_dockerfile(service)


@pytest.mark.parametrize("process", PROCFILE)
def test_process_waits_for_its_migration_and_healthy_infrastructure(process: str) -> None:
    service = process.rsplit("-", 1)[0]
    depends_on = CONTAINERS[process]["depends_on"]
    assert depends_on[f"{service}-migrate"]["condition"] == "service_completed_successfully"
    for name in INFRASTRUCTURE:
        assert depends_on[name]["condition"] == "service_healthy"


def test_assessment_api_waits_for_the_incidents_api_it_calls() -> None:
    api = CONTAINERS["assessment-api"]
    assert api["depends_on"]["incidents-api"]["condition"] == "service_healthy"
    assert api["environment"]["INCIDENTS_URL"] == f"http://incidents-api:{PORTS['incidents']}"


@pytest.mark.parametrize("service", SERVICES)
def test_migration_runs_once_when_postgres_is_healthy(service: str) -> None:
    migrate = CONTAINERS[f"{service}-migrate"]
    assert migrate["command"] == ["python", "-m", service, "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"


@pytest.mark.parametrize("service", SERVICES)
def test_containers_are_configured_for_the_compose_network(service: str) -> None:
    for kind in CONTAINER_KINDS:
        container = CONTAINERS[f"{service}-{kind}"]
        environment = container["environment"]
        assert container["env_file"] == ".env"
        assert environment["PINGAN_ENV"] == "${PINGAN_ENV:-production}"
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        database_url = environment[f"{service.upper()}_DATABASE_URL"]
        assert database_url.startswith("postgresql+asyncpg://")
        assert database_url.endswith(f"@postgres:5432/pingan_{service}")


@pytest.mark.parametrize("service", SERVICES)
def test_service_image_is_built_once_from_its_dockerfile_and_shared(service: str) -> None:
    containers = [CONTAINERS[f"{service}-{kind}"] for kind in CONTAINER_KINDS]
    assert len({container["image"] for container in containers}) == 1
    assert service in containers[0]["image"]
    builds = [container["build"] for container in containers if "build" in container]
    assert builds == [{"context": ".", "dockerfile": f"services/{service}/Dockerfile"}]


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_builds_a_slim_non_root_image_running_the_api(service: str) -> None:
    instructions = read_dockerfile(service)
    keywords = [keyword for keyword, _ in instructions]
    arguments = {keyword: [a for k, a in instructions if k == keyword] for keyword in keywords}
    assert arguments["FROM"] == ["python:3.11-slim"]
    environment = " ".join(arguments["ENV"]).split()
    assert {"PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1"} <= set(environment)
    assert arguments["USER"][-1].split(":")[0] not in ("root", "0")
    last_user = len(keywords) - 1 - keywords[::-1].index("USER")
    assert "RUN" not in keywords[last_user:]  # nothing runs as root after the switch
    assert arguments["EXPOSE"] == [str(PORTS[service])]
    assert json.loads(arguments["CMD"][-1]) == PROCFILE[f"{service}-api"]


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_installs_pinned_dependencies_before_copying_sources(service: str) -> None:
    instructions = read_dockerfile(service)
    installs = [i for i, (k, a) in enumerate(instructions) if k == "RUN" and "pip install" in a]
    assert installs
    for index in installs:
        assert "-c constraints.txt" in instructions[index][1]
    dependency_copies = copy_sources(instructions[: installs[0]])
    assert dependency_copies
    assert all(
        source.endswith(("constraints.txt", "pyproject.toml")) for source in dependency_copies
    )
    source_copies = copy_sources(instructions[installs[0] :])
    assert {"shared/", f"services/{service}/"} <= set(source_copies)
    packages = instructions[installs[-1]][1].split()
    assert {"--no-deps", "./shared", f"./services/{service}"} <= set(packages)


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_copies_only_what_the_build_context_holds(service: str) -> None:
    for source in copy_sources(read_dockerfile(service)):
        assert (ROOT / source).exists(), source
        assert not dockerignored(source), source


@pytest.mark.parametrize(
    "path",
    [
        ".git/HEAD",
        ".venv/bin/python",
        ".pingan/postgres/PG_VERSION",
        ".env",
        "shared/src/pingan_shared/__pycache__/db.cpython-311.pyc",
        "services/notify/src/notify/jobs.pyc",
        ".pytest_cache/v/cache/nodeids",
        "services/incidents/.mypy_cache/3.11/incidents.json",
        ".ruff_cache/CACHEDIR.TAG",
        "services/assessment/tests/test_scores.py",
    ],
)
def test_dockerignore_keeps_local_state_caches_and_secrets_out(path: str) -> None:
    assert dockerignored(path)


@pytest.mark.parametrize(
    "path",
    [
        "constraints.txt",
        "shared/pyproject.toml",
        "shared/src/pingan_shared/__init__.py",
        *(f"services/{service}/src/{service}/__init__.py" for service in SERVICES),
        "services/incidents/src/incidents/migrations/env.py",
    ],
)
def test_dockerignore_keeps_what_the_images_need(path: str) -> None:
    assert not dockerignored(path)


def test_postgres_init_script_creates_the_three_databases() -> None:
    sql = re.sub(r"--[^\n]*", "", INIT_SCRIPT.read_text(encoding="utf-8"))
    created = re.findall(r"CREATE\s+DATABASE\s+\"?(\w+)", sql, re.IGNORECASE)
    assert sorted(created) == sorted(f"pingan_{service}" for service in SERVICES)
    postgres = CONTAINERS["postgres"]
    assert postgres["image"].startswith(("postgres:15", "postgres:16"))
    init_folder = INIT_SCRIPT.parent.relative_to(ROOT).as_posix()
    assert f"./{init_folder}:/docker-entrypoint-initdb.d:ro" in postgres["volumes"]
    assert "postgres-data:/var/lib/postgresql/data" in postgres["volumes"]
    assert "pg_isready" in postgres["healthcheck"]["test"]


def test_redis_is_persistent_and_answers_ping() -> None:
    redis = CONTAINERS["redis"]
    assert redis["image"].startswith("redis:7")
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert "redis-data:/data" in redis["volumes"]


def test_every_interpolated_variable_is_documented_in_env_example() -> None:
    interpolated = {
        match["braced"] or match["bare"]
        for _, value in strings(COMPOSE)
        for match in INTERPOLATION.finditer(value)
        if match["braced"] or match["bare"]
    }
    assert interpolated  # the secrets, at least, come from .env
    assert interpolated <= set(ENV_EXAMPLE)


def test_env_example_documents_the_configuration_contract() -> None:
    contract = {
        "PINGAN_ENV",
        "PINGAN_JWT_SECRET",
        "PINGAN_JWT_PUBLIC_KEY",
        "PINGAN_JWT_JWKS_URL",
        "POSTGRES_PASSWORD",
        "REDIS_URL",
        "INCIDENTS_URL",
        "NOTIFY_WECOM_BASE_URL",
        "NOTIFY_WECHAT_BASE_URL",
        "NOTIFY_ALIYUN_SMS_ENDPOINT",
        "NOTIFY_TENCENT_SMS_ENDPOINT",
        *(f"{service.upper()}_DATABASE_URL" for service in SERVICES),
        *(f"{service.upper()}_PORT" for service in SERVICES),
    }
    assert contract <= set(ENV_EXAMPLE)


def test_env_example_explains_every_variable() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines()]
        first_entry = next(
            (i for i, line in enumerate(lines) if ENV_EXAMPLE_ENTRY.match(line)), None
        )
        if first_entry is not None:
            explanations = [line for line in lines[:first_entry] if line.startswith("#")]
            assert explanations, f"no comment above {lines[first_entry]}"


def test_env_example_holds_placeholders_not_secrets() -> None:
    secrets = {name: value for name, value in ENV_EXAMPLE.items() if SECRET_NAME.search(name)}
    assert secrets
    for name, value in secrets.items():
        assert value in ("", "change-me"), name


def test_compose_file_holds_no_secret_literals() -> None:
    checked = 0
    for key, value in strings(COMPOSE):
        if SECRET_NAME.search(key):
            assert REQUIRED_VARIABLE.fullmatch(value), f"{key} must come from .env as ${{{key}:?…}}"
            checked += 1
        for url in URL_PASSWORD.finditer(value):
            assert REQUIRED_VARIABLE.fullmatch(url["password"]), value
            checked += 1
    assert checked
