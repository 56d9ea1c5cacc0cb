package procedure_test

import (
	"testing"

	"fieldcase/tui/tuitest"
)

func TestMain(m *testing.M) { tuitest.Main(m) }
