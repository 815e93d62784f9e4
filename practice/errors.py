class Conflict(Exception):
    """The request clashes with what is stored; answered as 409 with the clashing object's id."""

    def __init__(self, message: str, *, field: str | None = None, existing_id=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.existing_id = existing_id
