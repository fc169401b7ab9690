"""The operations of the served OpenAPI document, as a table the security tests iterate over.

Reading the served document (not a hand-written list) means a route added tomorrow is
checked tomorrow, without anyone remembering to add it here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tests.conftest import ApiClient

OPENAPI = "/api/v1/openapi.json"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A syntactically valid id that names nothing: existence is checked after authentication
# and permission (platform §0 check order), so the answer must not depend on it.
NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True, slots=True)
class Operation:
    """One method on one path template of the OpenAPI document."""

    method: str
    path: str

    @property
    def url(self) -> str:
        """The path with every parameter filled with an unknown id."""
        return re.sub(r"\{[^}]+\}", NO_SUCH_ID, self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def operations(document: dict[str, Any]) -> list[Operation]:
    """Every operation of the document, in document order."""
    return [
        Operation(method.upper(), path)
        for path, methods in document["paths"].items()
        for method in methods
        if method.upper() in {"GET", "POST", "PUT", "PATCH", "DELETE"}
    ]


async def served_operations(admin: ApiClient) -> list[Operation]:
    """The operations of the document the app serves to an authenticated caller."""
    response = await admin.get(OPENAPI)
    assert response.status_code == 200, response.text
    return operations(response.json())
