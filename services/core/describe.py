"""What every Describe*/List* operation shares: AWS filters, tag filters and paging."""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
from collections.abc import Callable

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Lookup, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform

from services.core import errors
from services.core.errors import AwsError


def tags_index(name: str) -> models.Index:
    """The index `tag:<key>=<value>` filters use (`tags @> {"key": "value"}`), for a
    resource table Describe calls filter at scale: a table of 10,000 rows read whole
    took longer than the rest of the call."""
    from django.contrib.postgres.indexes import GinIndex

    return GinIndex(fields=["tags"], opclasses=["jsonb_path_ops"], name=name)


# A filter name maps to a model lookup ("state") or a function building a Q from values.
FilterSpec = dict[str, "str | Callable[[list[str]], Q]"]

_NOTHING = Q(pk__in=[])
_TRUE = {"true": True, "false": False}


def any_of(*lookups: str) -> Callable[[list[str]], Q]:
    """A filter matching its values exactly (no wildcards) against one or more columns,
    for filters over relations such as `association.subnet-id`."""

    def build(values: list[str]) -> Q:
        q = _NOTHING
        for lookup in lookups:
            q |= Q(**{f"{lookup}__in": values})
        return q

    return build


def boolean(lookup: str) -> Callable[[list[str]], Q]:
    """A filter on a boolean column whose values come as the text `true`/`false`."""

    def build(values: list[str]) -> Q:
        q = _NOTHING
        for v in values:
            q |= Q(**{lookup: v.strip().lower() == "true"})
        return q

    return build


def through(model: type[models.Model], pointer: str, lookup: str) -> Callable[[list[str]], Q]:
    """A filter on rows of another table that point at the described one (`pointer`
    names their foreign key column, `lookup` what the values are matched with, by the
    same rules as a column of the described table), as a subquery, so that a row with
    two matching relations is answered once (no join, no DISTINCT needed)."""

    def build(values: list[str]) -> Q:
        related = model.objects.all()
        q = _NOTHING
        for v in values:
            q |= _field_value_q(related, lookup, v)
        return Q(pk__in=related.filter(q).values(pointer))

    return build


def _tokens(value: str) -> list[tuple[bool, str]]:
    """Split a filter value into (is_wildcard, character) pairs. EC2 reads `*` as any
    run of characters and `?` as exactly one; a backslash makes a following `*`, `?` or
    backslash literal."""
    out: list[tuple[bool, str]] = []
    i = 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value) and value[i + 1] in "*?\\":
            out.append((False, value[i + 1]))
            i += 2
            continue
        out.append((c in "*?", c))
        i += 1
    return out


def _collapsed(tokens: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    """A run of `*` matches what one `*` matches: keep one, so that a value of thousands
    of stars costs what one costs."""
    out: list[tuple[bool, str]] = []
    for token in tokens:
        if token == (True, "*") and out and out[-1] == token:
            continue
        out.append(token)
    return out


def _like_part(wild: bool, c: str) -> str:
    if wild:
        return "%" if c == "*" else "_"
    # LIKE's own wildcards and its escape character (a backslash) are escaped.
    return "\\" + c if c in "%_\\" else c


def like_pattern(value: str) -> str:
    """The SQL LIKE pattern matching what the AWS filter value matches: `*` any run of
    characters, `?` exactly one, a backslash makes the next `*`, `?` or backslash
    literal. LIKE has no backtracking blow-up, unlike a regular expression of `.*`s."""
    return "".join(_like_part(w, c) for w, c in _collapsed(_tokens(value)))


def has_wildcards(value: str) -> bool:
    return any(wild for wild, _ in _tokens(value))


class Wildcard:
    """An AWS filter value matched in Python (for data that is not in PostgreSQL), in
    time proportional to the value's length times the text's, whatever the value (a
    regular expression of `.*`s backtracks for ever on a long value that fails)."""

    def __init__(self, value: str, *, escapes: bool = True) -> None:
        tokens = _tokens(value) if escapes else [(c in "*?", c) for c in value]
        self.tokens = _collapsed(tokens)

    @classmethod
    def of(cls, tokens: list[tuple[bool, str]]) -> Wildcard:
        """A matcher of (is_wildcard, character) pairs the caller has split itself."""
        matcher = cls("")
        matcher.tokens = _collapsed(tokens)
        return matcher

    def match(self, text: str) -> bool:
        tokens, p, t, star, mark = self.tokens, 0, 0, -1, 0
        while t < len(text):
            if p < len(tokens) and tokens[p] == (True, "*"):
                star, mark, p = p, t, p + 1
            elif p < len(tokens) and (tokens[p] == (True, "?") or tokens[p] == (False, text[t])):
                p, t = p + 1, t + 1
            elif star >= 0:
                # Let the last star swallow one more character and try again from there.
                mark += 1
                p, t = star + 1, mark
            else:
                return False
        while p < len(tokens) and tokens[p] == (True, "*"):
            p += 1
        return p == len(tokens)


class _AwsLike(Lookup):
    """`field__aws_like=pattern`: the column, read as text the way Django's regex lookup
    reads it (HOST() for addresses), LIKE the pattern."""

    lookup_name = "aws_like"
    prepare_rhs = False

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        cast = connection.ops.lookup_cast("regex", self.lhs.output_field.get_internal_type())
        return f"{cast % lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


models.Field.register_lookup(_AwsLike)


def _unescape(value: str) -> str:
    return "".join(c for _, c in _tokens(value))


def _field_value_q(qs: QuerySet, lookup: str, value: str) -> Q:
    """Match `lookup` against one filter value, read the way AWS reads it for the
    field's type: `true`/`false` for booleans, numbers for numbers. A value of the
    wrong type matches nothing, as in AWS, rather than failing the query."""
    if has_wildcards(value):
        return Q(**{f"{lookup}__aws_like": like_pattern(value)})
    value = _unescape(value)
    field = _field(qs.model, lookup)
    if field is None:  # not a column (an annotation): compared as text
        return Q(**{lookup: value})
    if isinstance(field, models.GenericIPAddressField):
        # The column is inet: text that is no address must not reach the query.
        try:
            return Q(**{lookup: str(ipaddress.ip_address(value.strip()))})
        except ValueError:
            return _NOTHING
    if isinstance(field, models.DateTimeField | models.DateField):
        try:
            when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return _NOTHING
        return Q(**{lookup: when if when.tzinfo else when.replace(tzinfo=dt.UTC)})
    if isinstance(field, models.BooleanField):
        flag = _TRUE.get(value.lower())
        return _NOTHING if flag is None else Q(**{lookup: flag})
    if isinstance(field, models.IntegerField | models.FloatField | models.DecimalField):
        try:
            return Q(**{lookup: field.to_python(value)})
        except ValidationError:
            return _NOTHING
    return Q(**{lookup: value})


def _field(model: type[models.Model], lookup: str) -> models.Field | None:
    """The model field at the end of `lookup` (`subnet__vpc__resource_id`), if any."""
    field = None
    for part in lookup.split("__"):
        if field is not None:
            if field.related_model is None:
                return None
            model = field.related_model
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
    return field


def _tags_sql(qs: QuerySet, column: str, patterns: list[str]) -> RawSQL:
    """True when any tag's `column` (key or value) is LIKE one of `patterns`."""
    table = qs.model._meta.db_table
    return RawSQL(
        f'EXISTS (SELECT 1 FROM jsonb_each_text("{table}"."tags") AS tag(key, value) '
        f"WHERE tag.{column} LIKE ANY(%s))",
        (patterns,),
        output_field=models.BooleanField(),
    )


def _tag_filter(qs: QuerySet, index: int, key: str, values: list[str]) -> QuerySet:
    """`tag:<key>`: the resource has tag `key` with one of `values` (wildcards allowed)."""
    exact = [_unescape(v) for v in values if not has_wildcards(v)]
    patterns = [like_pattern(v) for v in values if has_wildcards(v)]
    q = Q()
    for v in exact:
        q |= Q(tags__contains={key: v})
    if patterns:
        alias = f"_tag_{index}"
        qs = qs.alias(**{alias: KeyTextTransform(key, "tags")})
        for p in patterns:
            q |= Q(**{f"{alias}__aws_like": p})
    return qs.filter(q)


def apply_filters(qs: QuerySet, filters: list[dict] | None, spec: FilterSpec) -> QuerySet:
    """Apply EC2-style `Filters` ([{"Name": ..., "Values": [...]}]): values of one filter
    are ORed, filters are ANDed, as AWS documents. Every resource understands `tag:<key>`,
    `tag-key` and `tag-value`; other names come from `spec`, and an unknown name is the
    error AWS gives for it.

    A `filters.Spec` names its call: the names it documents that are not columns are
    matched on the described items after these (services/core/filters.py)."""
    from services.core import filters as engine

    memory: list[dict] = []
    if isinstance(spec, engine.Spec):
        filters, memory = engine.split(filters, spec)
    for index, f in enumerate(filters or []):
        name, values = f.get("Name") or "", [str(v) for v in f.get("Values") or []]
        tag = engine.is_tag_filter(name)
        if not tag and name not in spec:
            raise errors.InvalidParameterValue(f"The filter '{name}' is invalid")
        if not values:
            # AWS answers a filter without values with nothing (`Name=vpc-id` alone
            # lists no subnets), as if no value matched.
            qs = qs.filter(_NOTHING)
            continue
        if name.startswith("tag:"):
            qs = _tag_filter(qs, index, name[4:], values)
            continue
        if tag:
            alias = f"_tag_{index}"
            column = "key" if name == "tag-key" else "value"
            sql = _tags_sql(qs, column, [like_pattern(v) for v in values])
            qs = qs.alias(**{alias: sql}).filter(**{alias: True})
            continue
        lookup = spec[name]
        if callable(lookup):
            qs = qs.filter(lookup(values))
            continue
        q = Q()
        for v in values:
            q |= _field_value_q(qs, lookup, v)
        qs = qs.filter(q)
    if memory:
        qs = engine.narrow(qs, memory, spec)
    return qs


def paginate(
    qs: QuerySet,
    max_results: int | None,
    next_token: str | None,
    *,
    minimum: int = 5,
    maximum: int = 1000,
) -> tuple[list, str | None]:
    """A page of `qs` (ordered by pk; model objects, or values() rows holding `pk`) and
    the token for the next one. The bounds and messages are EC2's (5 to 1000 for most
    Describe actions)."""
    if max_results is not None and max_results < minimum:
        raise errors.InvalidParameterValue(
            f"Value ( {max_results} ) for parameter maxResults is invalid. "
            f"Expecting a value greater than {minimum}."
        )
    if max_results is not None and max_results > maximum:
        raise errors.InvalidParameterValue(
            f"Value ( {max_results} ) for parameter maxResults is invalid. "
            f"Expecting a value less than {maximum}."
        )
    after = read_token(next_token, "after", _INVALID_TOKEN) if next_token else 0
    qs = qs.order_by("pk").filter(pk__gt=after)
    if max_results is None:
        return list(qs), None
    rows = list(qs[: max_results + 1])
    if len(rows) <= max_results:
        return rows, None
    rows = rows[:max_results]
    last = rows[-1]
    # Model objects, or plain rows (values()) that hold their `pk`.
    return rows, make_token("after", last["pk"] if isinstance(last, dict) else last.pk)


def named_ids(
    qs: QuerySet,
    model: type[models.Model],
    wanted: list[str] | None,
    params: dict,
    *,
    check: Callable[[str], None] | None = None,
) -> tuple[QuerySet, list[str]]:
    """`lookups.only_ids` for a call answering plain rows, one statement cheaper when the
    call names ids and nothing else (no filters, no paging): the query is narrowed to
    them and the ids returned, to be checked on the rows read (`require_ids`), instead
    of a query of its own first. Otherwise only_ids runs as before, and no ids come back."""
    from services.core import lookups

    if not wanted or params.get("Filters") or params.get("MaxResults") or params.get("NextToken"):
        return lookups.only_ids(qs, model, wanted, check=check), []
    if check is not None:
        for value in wanted:
            check(value)
    return qs.filter(resource_id__in=wanted), list(wanted)


def require_ids(rows: list[dict], wanted: list[str], model: type[models.Model]) -> None:
    """The model's not-found error for the ids of `wanted` that no row holds."""
    if not wanted:
        return
    found = {r["resource_id"] for r in rows}
    missing = [value for value in dict.fromkeys(wanted) if value not in found]
    if missing:
        raise model.not_found_all(missing)


def values_of(qs: QuerySet, columns: dict) -> QuerySet:
    """`qs` as values() rows holding `pk` and `columns` (row key: lookup or expression)."""
    fields = [name for name, lookup in columns.items() if lookup == name]
    named = {
        name: F(lookup) if isinstance(lookup, str) else lookup
        for name, lookup in columns.items()
        if lookup != name
    }
    return qs.values("pk", *fields, **named)


def page_of_rows(
    qs: QuerySet,
    params: dict,
    spec: FilterSpec,
    key: str,
    columns: dict,
    render: Callable[[list[dict]], list[dict]],
    *,
    maximum: int = 1000,
    ids: tuple[type[models.Model], list[str]] | None = None,
) -> dict:
    """One Describe* answer ({key: [...], NextToken}) read as plain rows: `qs` filtered
    by `params["Filters"]`, a page of it as values() rows of `columns` (a name per
    lookup or expression; "pk" is always read, for the token), and `render` making the
    page's items from its rows (reading their relations in a query per page). What
    lookups.page answers, without a model object per row; a filter over a relation
    selects the ids it matches (`pk IN`) rather than DISTINCT rows. `ids`: the model and
    the ids `named_ids` left to check on the rows."""
    if params.get("Filters"):
        matching = apply_filters(qs, params.get("Filters"), spec)
        qs = qs.model.objects.filter(pk__in=matching.values("pk"))
    rows, token = paginate(
        values_of(qs, columns),
        params.get("MaxResults"),
        params.get("NextToken"),
        maximum=maximum,
    )
    if ids is not None:
        require_ids(rows, ids[1], ids[0])
    result: dict = {key: render(rows)}
    if token:
        result["NextToken"] = token
    return result


_INVALID_TOKEN = errors.InvalidPaginationToken(
    "The specified pagination token is not valid or is expired."
)
# Our tokens are a few dozen characters; anything much longer was not made by us.
_TOKEN_LENGTH = 1024
_POSITION_MAX = 2**63 - 1  # a bigint: larger positions would fail the query


def make_token(key: str, position: int) -> str:
    """An opaque paging token (NextToken, Marker) holding one position."""
    return base64.urlsafe_b64encode(json.dumps({key: position}).encode()).decode()


def read_token(token: object, key: str, error: AwsError) -> int:
    """The position `key` of a token `make_token` made, or `error` (the invalid-token
    error of the calling service) for anything else: text that is not base64 or not
    JSON, JSON nested deep or holding 1e999 or a huge number, a wrong key or type."""
    try:
        if not isinstance(token, str) or len(token) > _TOKEN_LENGTH:
            raise ValueError(token)
        data = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, TypeError, RecursionError):
        raise error from None
    position = data.get(key) if isinstance(data, dict) else None
    if isinstance(position, int) and not isinstance(position, bool):
        if 0 <= position <= _POSITION_MAX:
            return position
    raise error


def tags_from_specifications(params: dict, resource_type: str) -> dict[str, str]:
    """The tags a `TagSpecifications` parameter gives to a resource of `resource_type`."""
    tags: dict[str, str] = {}
    for spec in params.get("TagSpecifications") or []:
        if spec.get("ResourceType") == resource_type:
            for tag in spec.get("Tags") or []:
                validate_tag(tag.get("Key", ""), tag.get("Value", ""))
                tags[tag["Key"]] = tag.get("Value", "")
    return tags


def validate_tag(key: str, value: str) -> None:
    if not key or len(key) > 128:
        raise errors.InvalidParameterValue("Tag key must be between 1 and 128 characters long.")
    if key.lower().startswith("aws:"):
        raise errors.InvalidParameterValue(
            "Tag keys starting with 'aws:' are reserved for internal use"
        )
    if len(value) > 256:
        raise errors.InvalidParameterValue("Tag value must be at most 256 characters long.")
