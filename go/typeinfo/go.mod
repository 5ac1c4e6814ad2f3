module goescapelens/typeinfo

// Built with the user's own go command (GOTOOLCHAIN=local); go/types.Unalias needs 1.22.
go 1.22
