; tree-sitter-go@0.25.0 (web-tree-sitter@0.27.2): see grammars/README.md.
; Every named struct type, at any depth (a type declared inside a function too): @name its name, @struct
; its `struct { … }`.

(type_spec
  name: (type_identifier) @name
  type: (struct_type) @struct)
