"""vapi-contract: keeps Vapi's live REST API honest against its own OpenAPI spec."""

__version__ = "0.1.0"
