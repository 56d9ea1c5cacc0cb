package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// flagSet wraps flag.FlagSet so flags may come before or after positional
// arguments (`case show ID --json` and `case show --json ID` both work), and
// so usage and errors are printed in Chinese.
type flagSet struct {
	*flag.FlagSet
	usageLine string
	exit      int // the status parseCase ends the command with when it fails
}

func newFlagSet(name, usageLine string, stderr io.Writer) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flagSet{FlagSet: fs, usageLine: usageLine}
}

// errHelp is returned by parse when -h was given; the usage has been printed.
var errHelp = errors.New("help requested")

// parse parses interleaved flags and positional arguments. "--" ends flags.
func (fs *flagSet) parse(args []string, stderr io.Writer) ([]string, error) {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		if a == "-h" || a == "--help" || a == "-help" {
			fs.printUsage(stderr)
			return nil, errHelp
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			err := fmt.Errorf("未知参数 %s", a)
			fmt.Fprintf(stderr, "%v\n用法：%s\n", err, fs.usageLine)
			return nil, err
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			continue
		}
		if i+1 >= len(args) {
			err := fmt.Errorf("参数 %s 缺少取值", a)
			fmt.Fprintf(stderr, "%v\n用法：%s\n", err, fs.usageLine)
			return nil, err
		}
		flags = append(flags, args[i+1])
		i++
	}
	if err := fs.FlagSet.Parse(flags); err != nil {
		fmt.Fprintf(stderr, "参数错误：%v\n用法：%s\n", err, fs.usageLine)
		return nil, err
	}
	return positional, nil
}

func (fs *flagSet) printUsage(w io.Writer) {
	fmt.Fprintf(w, "用法：%s\n", fs.usageLine)
	fs.VisitAll(func(f *flag.Flag) {
		fmt.Fprintf(w, "  --%-14s %s\n", f.Name, f.Usage)
	})
}

// exitForParse maps a parse error to an exit status.
func exitForParse(err error) int {
	if errors.Is(err, errHelp) {
		return exitOK
	}
	return exitInvalid
}
