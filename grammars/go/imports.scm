; tree-sitter-go@0.25.0 (web-tree-sitter@0.27.2): see grammars/README.md.
; Every import of a file, single or grouped: @path the quoted path; @name the name it is imported as, when
; the spec gives one (`m "math"`, `_ "embed"`, `. "fmt"`).

(import_spec
  name: (_)? @name
  path: (_) @path) @import
