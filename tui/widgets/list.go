package widgets

// Target is one row of a searchable list as fuzzy search sees it: the text
// of its searchable columns joined by spaces, and where each column starts
// (in runes).
type Target struct {
	Text  string
	Start [3]int
}

// Row is a row shown in a searchable list: its index among the targets,
// with the runes search matched.
type Row struct {
	I     int
	Match []int
}
