"""botocore's loader of service models, asked about one service at a time.

Before it loads a service's model, botocore 1.44 checks the name against a list of every service
it knows, and makes that list by listing each of its ~420 service folders and their API
versions: about 6,000 system calls for each kind of file a command reads (a model, its endpoint
rules, its paginators), a tenth of a command's CPU. This loader answers "is there such a
service?" from that service's folder alone, and makes the full list only for what needs all of
it (an unknown name's error, which lists the known ones). Upstream: boto/botocore#3687 removes
the listing from client creation; drop this module once a release has it."""

from __future__ import annotations

import os
from collections.abc import Iterator

from botocore.loaders import Loader, create_loader


class _ServicesOfType:
    """The services with a model file of one type, checked per name; listed in full only when
    iterated."""

    def __init__(self, loader: Loader, type_name: str):
        self._loader = loader
        self._type_name = type_name

    def __contains__(self, service_name: object) -> bool:
        if not isinstance(service_name, str) or not service_name:
            return False
        for search_path in self._loader.search_paths:
            folder = os.path.join(search_path, service_name)
            if os.path.isdir(folder) and any(
                self._loader.file_loader.exists(os.path.join(folder, version, self._type_name))
                for version in os.listdir(folder)
            ):
                return True
        return False

    def __iter__(self) -> Iterator[str]:
        return iter(Loader.list_available_services(self._loader, self._type_name))


class OnDemandLoader(Loader):
    def list_available_services(self, type_name: str) -> _ServicesOfType:  # type: ignore[override]
        return _ServicesOfType(self, type_name)


def use_on_demand_loader(session) -> None:
    """Give `session` the loader above, on the search path botocore would use (AWS_DATA_PATH or
    the profile's data_path, then ~/.aws/models and botocore's own data)."""
    search_paths = create_loader(session.get_config_variable("data_path")).search_paths
    session.register_component(
        "data_loader",
        OnDemandLoader(extra_search_paths=search_paths, include_default_search_paths=False),
    )
