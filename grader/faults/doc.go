// Package faults describes what goes wrong in a simulated run, as plain data.
//
// A Model says how the network behaves all the time: the latency distribution
// of every link (with per-link overrides), the probability that a message is
// lost or duplicated, and each node's clock skew and drift. Reordering is not a
// separate knob: it happens whenever two messages on a link draw latencies
// that cross.
//
// A Schedule says what happens at given virtual times: partitions (symmetric
// or one-way), isolating a node, crashes and restarts, pauses and resumes,
// clock changes, and heals. A scenario either writes a Schedule by hand or
// asks a Nemesis to generate one from the run's seed. In swarm mode
// (Swarm) each seed also draws its own Model, so that a sweep over seeds
// covers many mixes of faults rather than one.
//
// Models and schedules are validated before a run starts; a bad value is an
// error that names the field, such as "faults: links[2].loss: 1.5 is outside
// [0, 1]".
package faults
