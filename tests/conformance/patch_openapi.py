#!/usr/bin/env python3
"""Make a patched copy of Intercom's OpenAPI description for the conformance check.

Usage: patch_openapi.py IN.json OUT.json

IN is ../shared/reference/intercom-openapi.yaml (the 2.16 description, kept byte-exact) already
turned into JSON by Prism's own YAML parser (tests/conformance/run.sh does that), so this script
needs nothing beyond Python's standard library. OUT is the copy Prism validates against.

Every fix below corrects a construct of the description that makes Prism wrong, as listed in
section 12 of ../shared/reference/intercom.md ("Spec constructs that make Prism wrong"), plus the
ones this harness found itself (marked so). Each fix names its defect, loosens nothing beyond it,
and fails loudly when the construct it expects is no longer there, so a new description is never
patched silently. The fixes applied are printed, one per line.
"""

import json
import sys


class PatchError(Exception):
    """The description does not look the way a fix expects."""


def schema(doc, name):
    try:
        return doc["components"]["schemas"][name]
    except KeyError:
        raise PatchError(f"components.schemas.{name} is missing") from None


def operation(doc, path, method):
    try:
        return doc["paths"][path][method]
    except KeyError:
        raise PatchError(f"{method.upper()} {path} is missing") from None


def json_body(op, where):
    try:
        return op["requestBody"]["content"]["application/json"]
    except KeyError:
        raise PatchError(f"{where} has no application/json request body") from None


def expect(condition, message):
    if not condition:
        raise PatchError(message)


def walk(node):
    """Every dict in the document, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


# --- The digest's table ------------------------------------------------------------------------


def null_in_enums(doc):
    """Defect: `enum` lists containing `null` (article_content, article_translated_content,
    group_content, group_translated_content, and in responses ai_agent and linked_object: 7
    enums). Prism cannot compile such a schema and then silently skips validation: request bodies
    of POST /articles, PUT /articles/{id}, POST and PUT /help_center/collections pass whatever
    they hold. Every one of these schemas is `nullable: true`, so dropping the `null` entry keeps
    `null` allowed."""
    fixed = []
    for node in walk(doc):
        enum = node.get("enum")
        if isinstance(enum, list) and None in enum:
            expect(node.get("nullable") is True, f"an enum with null is not nullable: {enum}")
            node["enum"] = [value for value in enum if value is not None]
            fixed.append(node["enum"])
    expect(len(fixed) == 7, f"expected the 7 enums with null the digest counts, found {len(fixed)}")
    return f"removed null from {len(fixed)} nullable enums (articles, collections, ai_agent, linked_object)"


def conversation_from_id_uuid(doc):
    """Defect: POST /conversations `from.id` is `format: uuid` and also exactly 24 characters
    long, so no id passes (a 24-hex contact id is not a UUID, a UUID has 36 characters). Contact
    ids are 24 hex digits: keep the length, drop the format."""
    from_id = schema(doc, "create_conversation_request")["properties"]["from"]["properties"]["id"]
    expect(from_id.get("format") == "uuid" and from_id.get("minLength") == 24, "from.id is no longer uuid+24")
    del from_id["format"]
    return "POST /conversations: from.id keeps its 24-character length, without format uuid"


def contact_notes_path_integer(doc):
    """Defect: POST /contacts/{contact_id}/notes types the `contact_id` path parameter as an
    integer, so real (24-hex) contact ids are rejected. Every other contact path types it as a
    string."""
    params = [
        param
        for param in operation(doc, "/contacts/{contact_id}/notes", "post").get("parameters", [])
        if param.get("in") == "path" and param.get("name") == "contact_id"
    ]
    expect(len(params) == 1 and params[0]["schema"].get("type") == "integer", "contact_id is no longer an integer")
    params[0]["schema"] = {"type": "string"}
    return "POST /contacts/{contact_id}/notes: contact_id is a string"


def conversation_custom_attribute_types(doc):
    """Defect: conversation `custom_attributes` (PUT /conversations/{id}, and the conversation
    objects it returns) allow only string, integer, datetime and custom-object values, though
    2.16 has boolean and decimal conversation attributes and the schema's own example holds
    `true` and `155.5`. Add boolean and number."""
    values = schema(doc, "custom_attributes")["additionalProperties"]
    types = [choice.get("type") for choice in values.get("anyOf", [])]
    expect("string" in types and "boolean" not in types and "number" not in types, f"unexpected anyOf {types}")
    values["anyOf"] += [{"type": "boolean"}, {"type": "number"}]
    return "conversation custom_attributes: boolean and decimal values allowed"


def string_only_custom_attributes(doc):
    """Defect: POST /companies and POST /custom_object_instances/{type} take `custom_attributes`
    with string values only, so numbers are rejected, though the operations' own examples send
    numbers (`monthly_spend: 155.5`, `total_amount: 99.99`) and booleans (`paid_subscriber:
    true`). Allow strings, numbers and booleans. The company and custom object instance objects
    the API returns carry the same restriction (found by this harness: an integer company
    attribute comes back as an integer, as the examples of GET /custom_object_instances show), so
    they get the same fix."""
    fixed = []
    names = [
        "create_or_update_company_request",
        "create_or_update_custom_object_instance_request",
        "company",
        "custom_object_instance",
    ]
    for name in names:
        attributes = schema(doc, name)["properties"]["custom_attributes"]
        expect(attributes.get("additionalProperties") == {"type": "string"}, f"{name}: values are not string-only")
        attributes["additionalProperties"] = {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]}
        fixed.append(name)
    return "company and custom object custom_attributes (requests and objects): numbers and booleans allowed"


def tags_one_of(doc):
    """Defect: POST /tags takes a `oneOf` of four bodies (create/rename, tag companies, untag
    companies, tag users) without a discriminator; a plain create's fields are a subset of every
    other variant, so a body that tags users or companies matches two variants and fails
    `oneOf`. The variants are told apart by their required fields, so `anyOf` says what is
    meant."""
    body = json_body(operation(doc, "/tags", "post"), "POST /tags")["schema"]
    expect(len(body.get("oneOf", [])) == 4, "POST /tags is no longer a oneOf of four")
    body["anyOf"] = body.pop("oneOf")
    return "POST /tags: anyOf of its four bodies"


def data_attribute_update_one_of(doc):
    """Defect: PUT /data_attributes/{id} is a `oneOf` of "list attribute" (with `options`) and
    "other type", which has no constraints and so matches every body too: an update with
    `options` matches both and always fails. `anyOf` says what is meant."""
    update = schema(doc, "update_data_attribute_request")
    expect(len(update.get("oneOf", [])) == 2, "update_data_attribute_request is no longer a oneOf of two")
    update["anyOf"] = update.pop("oneOf")
    return "PUT /data_attributes/{id}: anyOf list/other"


def parts_examples_integer_ids(doc):
    """Defect: the request examples of POST /conversations/{id}/parts send `admin_id` and
    `assignee_id` as integers while the schemas (rightly) say strings, so requests copied from
    the examples fail. Validation does not read request examples, so this changes nothing the
    check sees; the copy corrects them so that a request copied from it is valid."""
    examples = json_body(operation(doc, "/conversations/{conversation_id}/parts", "post"), "parts")["examples"]
    changed = 0
    for example in examples.values():
        value = example.get("value", {})
        for key in ["admin_id", "assignee_id"]:
            if isinstance(value.get(key), int):
                value[key] = str(value[key])
                changed += 1
    expect(changed > 0, "the parts examples no longer hold integer ids")
    return f"POST /conversations/{{id}}/parts: {changed} example ids written as strings"


# --- Found by this harness (not in the digest's table) -----------------------------------------


def nullable_without_type(doc):
    """Found by this harness: `nullable: true` beside a `$ref`, `oneOf` or `allOf` and no `type`
    (conversation.company, .ai_agent, .sales_agent, conversation_part.assigned_to, .metadata,
    .email_message_metadata, .event_details, ticket_part.assigned_to, a search query's `value`,
    collection translated_content, and more: 23 places). Prism turns `nullable` into JSON Schema
    only next to a `type`; elsewhere it reaches ajv, which then refuses to compile the whole
    schema ("nullable cannot be used without type"), and Prism silently validates nothing: every
    conversation response (GET, PUT, reply, parts, search) and the bodies of POST
    /contacts/search and /conversations/search went unchecked. The same meaning in a form ajv
    compiles: `anyOf: [<the schema without nullable>, {enum: [null]}]`. ajv refuses `nullable:
    false` without `type` as well (content_sources_list, inside conversation.ai_agent); `false` is
    the default, so that one is dropped."""
    fixed = 0

    def rewritten(value):
        rest = {name: part for name, part in value.items() if name != "nullable"}
        notes = {name: rest.pop(name) for name in ["description", "example", "title"] if name in rest}
        return {**notes, "anyOf": [rest, {"enum": [None]}]} if rest else notes

    for node in walk(doc):
        if node.get("nullable") is False and "type" not in node:
            del node["nullable"]
            fixed += 1
        for key, value in list(node.items()):
            if isinstance(value, dict) and value.get("nullable") is True and "type" not in value:
                node[key] = rewritten(value)
                fixed += 1
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict) and item.get("nullable") is True and "type" not in item:
                        value[index] = rewritten(item)
                        fixed += 1
    expect(fixed >= 10, f"expected the nullable-without-type schemas (23 in 2.16), found {fixed}")
    return f"{fixed} schemas with nullable but no type: anyOf [schema, null]"



def recursive_search_filter(doc):
    """Found by this harness (a limit of Prism's bundler rather than a mistake of the
    description): `multiple_filter_search_request.value` is a `oneOf` of an array of
    `multiple_filter_search_request` (itself) and an array of `single_filter_search_request`.
    Prism bundles the self-reference as `properties: {"$ref": "#/__bundled__/properties"}`,
    which constrains nothing, so a list of single filters matches both alternatives and every
    AND/OR query of POST /contacts/search, /conversations/search and /tickets/search fails
    `oneOf`. The search endpoints take at most two levels of nesting, so the copy spells the two
    levels out without recursion: an AND/OR group holds single filters or groups of single
    filters."""
    schemas = doc["components"]["schemas"]
    multiple = schema(doc, "multiple_filter_search_request")
    alternatives = multiple["properties"]["value"].get("oneOf", [])
    self_ref = {"$ref": "#/components/schemas/multiple_filter_search_request"}
    expect(
        len(alternatives) == 2 and alternatives[0].get("items") == self_ref,
        "multiple_filter_search_request.value no longer refers to itself first",
    )
    inner = json.loads(json.dumps(multiple))
    inner["title"] = "Multiple Filter Search Request (nested)"
    inner["properties"]["value"] = inner["properties"]["value"]["oneOf"][1]
    schemas["multiple_filter_search_request_nested"] = inner
    alternatives[0]["items"] = {"$ref": "#/components/schemas/multiple_filter_search_request_nested"}
    return "AND/OR search queries: two levels of nesting spelled out instead of a self-reference"


def custom_object_by_external_id(doc):
    """Found by this harness: GET /custom_object_instances/{type} says, in its description and in
    that of its `external_id` parameter, that with `external_id` "the response is a single object
    rather than a list", but its 200 response allows only the paginated list. Allow both (`anyOf`:
    a list also has the loose shape of an instance)."""
    op = operation(doc, "/custom_object_instances/{custom_object_type_identifier}", "get")
    content = op["responses"]["200"]["content"]["application/json"]
    paginated = {"$ref": "#/components/schemas/custom_object_instances_paginated_list"}
    expect(content.get("schema") == paginated, "the lookup's 200 is no longer the paginated list only")
    expect("single object" in json.dumps(op), "the lookup no longer says it returns a single object")
    content["schema"] = {"anyOf": [paginated, {"$ref": "#/components/schemas/custom_object_instance"}]}
    return "GET /custom_object_instances/{type}?external_id: a single instance allowed"


def undocumented_errors(doc):
    """Found by this harness (the first is in the digest, section 4): error statuses the API
    answers that the description leaves out, so Prism reports every such answer as undeclared.
    Each is declared here with the `error` (error.list) schema, so its body is still checked:

    - POST /contacts 409 `conflict`: a user with that email or external id exists; the message
      carries the existing id. Not in the 2.16 description (intercom/Intercom-OpenAPI PR #543,
      open); the sink's retry rule depends on it.
    - 404 `not_found` on GET, PUT and DELETE /contacts/{contact_id} and on GET
      /contacts/find_by_external_id/{external_id}: an unknown contact. Every operation under
      /contacts/{contact_id}/... documents this 404; the operations on the contact itself do
      not. The sink reads it as "no such contact" (lookup) and "already deleted" (rollback)."""
    added = []

    def declare(path, method, status, description):
        responses = operation(doc, path, method)["responses"]
        expect(status not in responses, f"{method.upper()} {path} now declares {status}; drop the fix")
        responses[status] = {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/error"}}},
        }
        added.append(f"{method.upper()} {path} {status}")

    declare("/contacts", "post", "409", "A user with this email or external id exists")
    for method in ["get", "put", "delete"]:
        declare("/contacts/{contact_id}", method, "404", "Contact not found")
    declare("/contacts/find_by_external_id/{external_id}", "get", "404", "Contact not found")
    return f"declared {len(added)} undocumented error answers: {', '.join(added)}"


def null_input_options(doc):
    """Found by this harness: a ticket type attribute's `input_options` is an object, not
    nullable, yet the description's own response examples (recorded from the API) show
    `input_options: null` on eleven attributes: the defaults `_default_title_` and
    `_default_description_` and attributes created without options. The sandbox answers null for
    the types that have no input options (integer, decimal, boolean, datetime), as the API does;
    the copy allows null."""
    options = schema(doc, "ticket_type_attribute")["properties"]["input_options"]
    expect(options.get("type") == "object" and "nullable" not in options, "input_options is no longer a plain object")
    examples = json.dumps(doc["paths"]).count('"input_options": null')
    expect(examples > 0, "no example shows input_options null any more")
    options["nullable"] = True
    return f"ticket type attribute input_options: null allowed ({examples} examples show it)"


def relative_urls(doc):
    """Found by this harness (the digest notes it under finding (a), for the response examples of
    POST /contacts): a contact's `tags`, `notes`, `companies` and `subscription_types` lists and
    their items carry `url: /contacts/{id}/tags` and the like, a path relative to the API host,
    as every example of the description shows (`company_data.url` even says "The relative URL of
    the company"), while the schemas declare `format: uri`, which needs a scheme. The sandbox
    answers as the real API does, so the copy drops `format: uri` exactly where the field's own
    example is a relative path, and keeps it for absolute URLs."""
    fixed = []
    for node in walk(doc):
        example = node.get("example")
        if node.get("format") == "uri" and isinstance(example, str) and example.startswith("/"):
            del node["format"]
            fixed.append(example)
    expect(len(fixed) >= 3, f"expected the contact list urls with relative examples, found {len(fixed)}")
    return f"{len(fixed)} url fields whose examples are relative paths: format uri dropped"


def addressable_type_uri(doc):
    """Defect: the items of a contact's `tags`, `notes` and `companies` lists (`addressable_list`)
    declare `type` as `format: uri`, yet the type is a word (`tag`, `note`, `company`), as the
    schema's own example shows (`note`). Drop the format from `type`; `url` keeps its own rule."""
    kind = schema(doc, "addressable_list")["properties"]["type"]
    expect(kind.get("format") == "uri" and kind.get("example") == "note", "addressable_list.type is no longer a uri")
    del kind["format"]
    return "addressable_list.type: a word such as `tag`, without format uri"


FIXES = [
    null_in_enums,
    conversation_from_id_uuid,
    contact_notes_path_integer,
    conversation_custom_attribute_types,
    string_only_custom_attributes,
    tags_one_of,
    data_attribute_update_one_of,
    parts_examples_integer_ids,
    nullable_without_type,
    recursive_search_filter,
    custom_object_by_external_id,
    undocumented_errors,
    null_input_options,
    relative_urls,
    addressable_type_uri,
]


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as source:
        doc = json.load(source)
    try:
        for fix in FIXES:
            print(f"patched: {fix(doc)}")
    except PatchError as error:
        print(f"error: {fix.__name__}: {error}; the description changed, review the fix", file=sys.stderr)
        return 1
    with open(argv[2], "w", encoding="utf-8") as target:
        json.dump(doc, target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
