package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// writeReport writes the machine and the results as Markdown, ready to
// paste into the README.
func writeReport(w io.Writer, m machine, rows []row) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Machine: %s, %d cores, %s memory\n\n", m.cpu, m.cores, m.memory)
	fmt.Fprintf(&b, "- OS: %s\n", m.system)
	fmt.Fprintf(&b, "- Go: %s\n", m.goVer)
	fmt.Fprintf(&b, "- Databases: %s; %s\n", m.sqlite, m.postgres)
	fmt.Fprintf(&b, "- Load average at start: %s\n", m.load)
	fmt.Fprintf(&b, "- Date: %s\n\n", m.date.Format(time.DateTime+" MST"))

	b.WriteString("| benchmark | variant | metric | value | unit | notes |\n")
	b.WriteString("|---|---|---|--:|---|---|\n")
	for _, r := range rows {
		value := formatValue(r.value)
		if r.status != "" {
			value = r.status
		}
		cells := []string{r.benchmark, r.variant, r.metric, value, r.unit, r.notes}
		for i, c := range cells {
			cells[i] = cell(c)
		}
		fmt.Fprintf(&b, "| %s |\n", strings.Join(cells, " | "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell makes s safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// formatValue shows three or four significant figures, which is all a
// shared machine can vouch for, with thousands separated.
func formatValue(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1000:
		return group(strconv.FormatFloat(math.Round(v), 'f', 0, 64))
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1 || a == 0:
		return strconv.FormatFloat(v, 'f', 2, 64)
	default: // three significant figures: 0.0123
		return strconv.FormatFloat(v, 'f', 2-int(math.Floor(math.Log10(a))), 64)
	}
}

// group puts commas between thousands of an integer's digits.
func group(digits string) string {
	sign := ""
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String()
}
