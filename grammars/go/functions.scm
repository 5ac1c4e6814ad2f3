; tree-sitter-go@0.25.0 (web-tree-sitter@0.27.2): see grammars/README.md.
; The top-level functions and methods of a file, with their names, receivers and bodies.
; @function the declaration; @name its name; @body its block (absent for a declaration without a body);
; @receiver the receiver's parameter declaration and @receiver.type its type (`T`, `*T`, `T[P]`).

(source_file
  (function_declaration
    name: (identifier) @name
    body: (block)? @body) @function)

(source_file
  (method_declaration
    receiver: (parameter_list
      (parameter_declaration
        type: (_) @receiver.type) @receiver)?
    name: (field_identifier) @name
    body: (block)? @body) @function)
