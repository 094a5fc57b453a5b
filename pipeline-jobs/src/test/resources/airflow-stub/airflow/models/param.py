class Param:
    """A DAG param: a default and a JSON-schema subset (type, minimum, maximum, enum), checked on resolve."""

    KNOWN = {"type", "minimum", "maximum", "enum", "description", "title", "minLength", "maxLength"}
    TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool}

    def __init__(self, default=None, description=None, **schema):
        unknown = set(schema) - self.KNOWN
        if unknown:
            raise TypeError("Param got unknown schema keys %s" % sorted(unknown))
        self.value = default
        self.description = description
        self.schema = schema
        self.resolve(default)

    def resolve(self, value):
        t = self.schema.get("type")
        if t is not None:
            if t not in self.TYPES:
                raise TypeError("unknown Param type %s" % t)
            if not isinstance(value, self.TYPES[t]) or (t in ("integer", "number") and isinstance(value, bool)):
                raise ValueError("%r is not of type %s" % (value, t))
        if "minimum" in self.schema and value < self.schema["minimum"]:
            raise ValueError("%r is less than the minimum of %r" % (value, self.schema["minimum"]))
        if "maximum" in self.schema and value > self.schema["maximum"]:
            raise ValueError("%r is greater than the maximum of %r" % (value, self.schema["maximum"]))
        if "enum" in self.schema and value not in self.schema["enum"]:
            raise ValueError("%r is not one of %r" % (value, self.schema["enum"]))
        return value
