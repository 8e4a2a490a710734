# The benchmark mapping in jq: $stages and $tags are the slurped stage and tag files.
($stages[0] | map({key: (.id | tostring), value: .fold}) | from_entries) as $fold
| ($tags[0] | map({key: (.id | tostring), value: .name}) | from_entries) as $tag
| {"0": "low", "1": "normal", "2": "high", "3": "urgent"} as $priority
| if .partner_id == null then empty else {
    from: {ref: "contact", key: .partner_id},
    title: (.name | gsub("^\\s+|\\s+$"; "")),
    body: (.description // "(no description)"),
    created_at: .create_date,
    state: (if $fold[(.stage_id // "" | tostring)] == true then "closed" else "open" end),
    tags: [(.tag_ids // [])[] | $tag[tostring] | select(. != null)],
    "custom_attributes.priority": ($priority[(.priority // "" | tostring)] // "normal"),
    "custom_attributes.original_ticket_id__c": .id,
    "custom_attributes.customer_ref": ((.x_studio_customer_ref // null) | if . == null then "" else (gsub("^\\s+|\\s+$"; "") | ascii_downcase) end)
  } end
