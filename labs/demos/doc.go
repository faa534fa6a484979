// Package demos holds teaching scenarios that belong to no lab: small nodes
// written to show one phenomenon, registered with grader/suite so that
// `faultline demo` can step through them and the site can draw them.
//
//   - clock-skew: three nodes whose clocks disagree stamp their messages with
//     their clock readings and with Lamport clocks; receivers log the
//     readings that seem to come from the future or go backwards, while the
//     Lamport values stay consistent with causality.
//   - retry-storm: four clients retrying without backoff turn a half-second
//     slowdown of a server into an overload that outlives it.
package demos
