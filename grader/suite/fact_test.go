package suite

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFactConstructors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fact  Fact
		value string
		forms []string // some of the forms, each must be there
		kind  FactKind
	}{
		{"seconds", DurationFact("b", 1300*Ms, "w"), "1.3 s", []string{"1.3 s", "1.3s", "1300 ms", "1,300 ms", "1300ms", "1.3 seconds"}, Checked},
		{"milliseconds", DurationFact("b", 80*Ms, "w"), "80 ms", []string{"80 ms", "80ms", "80 milliseconds"}, Checked},
		{"sub-millisecond", DurationFact("b", 500*time.Microsecond, "w"), "0.5 ms", []string{"0.5 ms"}, Checked},
		{"minutes", DurationFact("b", 2*time.Minute, "w"), "120 s", []string{"120 s", "2 minutes", "2 min"}, Checked},
		{"range", DurationRangeFact("l", Ms, 10*Ms, "w").Assume(), "1–10 ms", []string{"1–10 ms", "1-10 ms", "1 to 10 ms"}, Assumed},
		{"range over a second", DurationRangeFact("l", 800*Ms, 2400*Ms, "w"), "0.8–2.4 s", []string{"0.8–2.4 s", "800–2400 ms", "0.8-2.4 s"}, Checked},
		{"count", CountFact("c", 4000, "bytes of state", "w"), "4,000 bytes of state", []string{"4,000 bytes", "4000 bytes"}, Checked},
		{"small count", CountFact("c", 20, "seeds", "w"), "20 seeds", []string{"20 seeds"}, Checked},
		{"percent", PercentFact("p", 0.3, "w"), "30%", []string{"30%", "30 percent"}, Checked},
		{"ratio", RatioFact("r", 2.5, "w"), "2.5x", []string{"2.5x", "2.5×", "2.5 times"}, Checked},
		{"text", TextFact("t", "inside a handler", "w").Assume(), "inside a handler", nil, Assumed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.value, tc.fact.Value)
			assert.Equal(t, tc.kind, tc.fact.Kind)
			for _, f := range tc.forms {
				assert.Contains(t, tc.fact.Forms, f)
			}
			if tc.forms == nil {
				assert.Empty(t, tc.fact.Forms)
			}
		})
	}
}

func TestFormatCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 4500: "4,500", 10000: "10,000", 1234567: "1,234,567", -2000: "-2,000"} {
		assert.Equal(t, want, FormatCount(n), "%d", n)
	}
}

func TestAllFacts(t *testing.T) {
	l := &Lab{Name: "toy", MaxRate: 5000,
		Facts: []Fact{DurationFact("bound", Sec, "w"), CountFact("points", 99, "points", "an own fact wins")},
		Tests: []Test{{Name: "A", Points: 3, Seeds: 20, Limit: 10 * Sec}, {Name: "B", Points: 2}}}
	want := map[string]string{"bound": "1 s", "points": "99 points", "tests": "2 tests", "max-rate": "5,000 events per node per second of virtual time",
		"A.points": "3 points", "A.seeds": "20 seeds", "A.limit": "10 s", "B.seeds": "1 seed", "B.limit": "60 s"}
	for name, value := range want {
		f, err := l.LookupFact(name)
		require.NoError(t, err, name)
		assert.Equal(t, value, f.Value, name)
	}
	_, err := l.LookupFact("nope")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `lab toy has no fact "nope" (its facts: bound, max-rate, points, tests; and for each test T: T.points, T.seeds, T.limit)`)
}

func TestCheckFacts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		facts []Fact
		want  string
	}{
		{"good", []Fact{DurationFact("a-b.c", Sec, "w")}, ""},
		{"test's figure", []Fact{DurationFact("HeavyLoss.budget", Sec, "w")}, ""},
		{"bad name", []Fact{DurationFact("1bound", Sec, "w")}, `name "1bound"`},
		{"space", []Fact{DurationFact("a b", Sec, "w")}, `name "a b"`},
		{"twice", []Fact{DurationFact("a", Sec, "w"), DurationFact("a", Sec, "w")}, `fact "a" is listed twice`},
		{"no value", []Fact{{Name: "a", What: "w"}}, `fact "a" has no value`},
		{"no what", []Fact{DurationFact("a", Sec, " ")}, `fact "a" has no What`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := (&Lab{Name: "toy", Facts: tc.facts}).CheckFacts()
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
