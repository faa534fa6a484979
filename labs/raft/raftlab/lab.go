package raftlab

import (
	_ "embed"
	"time"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
	"github.com/faultline-dev/faultline/labs/raft/mutants"
	"github.com/faultline-dev/faultline/labs/raft/solution"
	starter "github.com/faultline-dev/faultline/labs/raft/starter"
)

//go:embed task.md
var task string

// Lab is the Raft lab as registered with grader/suite.
var Lab = &suite.Lab{
	Name:    "raft",
	Title:   "Raft",
	Summary: "Leader election, log replication, persistence and snapshots, checked on every event.",
	Order:   30,
	Lesson:  "raft-election",
	Task:    task,
	Parts: []suite.Part{
		{ID: "A", Title: "Leader election", Lesson: "raft-election"},
		{ID: "B", Title: "Log replication", Lesson: "raft-replication"},
		{ID: "C", Title: "Persistence", Lesson: "raft-persistence"},
		{ID: "D", Title: "Snapshots", Lesson: "raft-snapshots"},
	},
	Tests:    tests,
	Solution: solution.Factory,
	Starter:  raft.Factory(starter.New),
	Mutants:  mutantList(),
	Observe:  observe,
	// The reference handles at most about 270 events a second per node in
	// any test (Churn, UnreliableChurn); 5,000 leaves a wide margin and
	// still stops a storm within a virtual second.
	MaxRate:    5_000,
	Imports:    []string{"bytes", "cmp", "encoding/binary", "encoding/gob", "encoding/json", "errors", "fmt", "maps", "math", "slices", "sort", "strconv", "strings", "time"},
	StudentDir: "labs/raft/starter",
	Student: suite.Student{
		Package:     "raft",
		Bind:        "raft.Factory(student.New)",
		BindImports: []string{"github.com/faultline-dev/faultline/labs/raft"},
	},
	Label: Label,
}

func init() {
	suite.Register(Lab)
	registerDemos()
}

func mutantList() []suite.Mutant {
	out := make([]suite.Mutant, len(mutants.All))
	for i, m := range mutants.All {
		out[i] = suite.Mutant{Name: m.Name, Description: m.Description, Impl: m.Factory}
	}
	return out
}

// observe reports a node's role and term for traces, through State and
// the optional raft.Roler.
func observe(n node.Node) any {
	rn, ok := n.(raft.Node)
	if !ok {
		return nil
	}
	term, lead := rn.State()
	role := "follower"
	if r, ok := n.(raft.Roler); ok {
		role = r.Role()
	} else if lead {
		role = "leader"
	}
	return struct {
		Role string `json:"role"`
		Term int    `json:"term"`
	}{role, term}
}

const sec = time.Second

var tests = []suite.Test{
	// Part A: 20 points.
	{Name: "InitialElection", Part: "A", Points: 3, Seeds: 30, Limit: 20 * sec, Run: testInitialElection,
		Description: "three nodes elect one leader and keep it while nothing fails", Lesson: "raft-election#elections"},
	{Name: "ReElection", Part: "A", Points: 3, Seeds: 30, Limit: 40 * sec, Run: testReElection,
		Description: "a new leader after the leader is cut off; none without a quorum", Lesson: "raft-election#elections"},
	{Name: "NoQuorumNoLeader", Part: "A", Points: 2, Seeds: 30, Limit: 20 * sec, Run: testNoQuorumNoLeader,
		Description: "two of five nodes cannot elect a leader", Lesson: "raft-election#voting"},
	{Name: "OldLeaderStepsDown", Part: "A", Points: 2, Seeds: 30, Limit: 20 * sec, Run: testOldLeaderStepsDown,
		Description: "a partitioned leader steps down when it hears a higher term", Lesson: "raft-election#terms"},
	{Name: "ManyElections7", Part: "A", Points: 3, Seeds: 30, Limit: 80 * sec, Run: testManyElections7,
		Description: "seven nodes keep electing leaders while three at a time are cut off", Lesson: "raft-election#elections"},
	{Name: "StableTerm", Part: "A", Points: 2, Seeds: 30, Limit: 20 * sec, Run: testStableTerm,
		Description: "the term does not change when nothing fails", Lesson: "raft-election#heartbeats"},
	{Name: "HeartbeatRate", Part: "A", Points: 1, Seeds: 30, Limit: 20 * sec, Run: testHeartbeatRate,
		Description: "an idle leader sends at most 10 heartbeat rounds a second", Lesson: "raft-election#heartbeats"},
	{Name: "ElectionWithin5s", Part: "A", Points: 2, Seeds: 30, Limit: 60 * sec, Run: testElectionWithin5s,
		Description: "on a slow network, a stable new leader within 5 s of losing the old one", Lesson: "raft-election#timeouts"},
	{Name: "LateVotes", Part: "A", Points: 2, Seeds: 30, Limit: 20 * sec, Run: testLateVotes,
		Description: "votes that arrive after their election are not counted in a later one", Lesson: "raft-election#voting"},

	// Part B: 35 points.
	{Name: "BasicAgree", Part: "B", Points: 4, Seeds: 30, Limit: 20 * sec, Run: testBasicAgree,
		Description: "three commands are applied by all nodes at indexes 1, 2, 3", Lesson: "raft-replication#propose"},
	{Name: "NoCommitBeforeStart", Part: "B", Points: 2, Seeds: 30, Limit: 20 * sec, Run: testNoCommitBeforeStart,
		Description: "nothing is applied before a command is proposed", Lesson: "raft-replication#commit"},
	{Name: "RPCBytes", Part: "B", Points: 3, Seeds: 30, Limit: 30 * sec, Run: testRPCBytes,
		Description: "each 5 kB command crosses the wire about once per follower", Lesson: "raft-replication#appendentries"},
	{Name: "FollowerFailure", Part: "B", Points: 3, Seeds: 30, Limit: 30 * sec, Run: testFollowerFailure,
		Description: "agreement despite a lost follower; none with both lost", Lesson: "raft-replication#commit"},
	{Name: "LeaderFailure", Part: "B", Points: 3, Seeds: 30, Limit: 40 * sec, Run: testLeaderFailure,
		Description: "agreement after the leader is lost; none with one node left", Lesson: "raft-replication#commit"},
	{Name: "FailAgree", Part: "B", Points: 3, Seeds: 30, Limit: 40 * sec, Run: testFailAgree,
		Description: "a follower that was cut off catches up when it rejoins", Lesson: "raft-replication#catching-up"},
	{Name: "FailNoAgree", Part: "B", Points: 3, Seeds: 30, Limit: 40 * sec, Run: testFailNoAgree,
		Description: "no agreement with three of five followers cut off", Lesson: "raft-replication#commit"},
	{Name: "ConcurrentStarts", Part: "B", Points: 3, Seeds: 30, Limit: 20 * sec, Run: testConcurrentStarts,
		Description: "five simultaneous proposals get five indexes and all commit", Lesson: "raft-replication#propose"},
	{Name: "Rejoin", Part: "B", Points: 3, Seeds: 30, Limit: 60 * sec, Run: testRejoin,
		Description: "a partitioned old leader's uncommitted entries are replaced", Lesson: "raft-replication#conflicts"},
	{Name: "Backup", Part: "B", Points: 3, Seeds: 20, Limit: 120 * sec, Run: testBackup,
		Description: "followers back over 50 conflicting entries quickly", Lesson: "raft-replication#fast-backup"},
	{Name: "PausedLeader", Part: "B", Points: 2, Seeds: 30, Limit: 60 * sec, Run: testPausedLeader,
		Description: "a leader paused past its term wakes, sends stale messages and steps down; later it may lead again", Lesson: "raft-replication#conflicts"},
	{Name: "CountMessages", Part: "B", Points: 3, Seeds: 30, Limit: 40 * sec, Run: testCountMessages,
		Description: "message budgets for an election, for 10 entries, and for an idle second", Lesson: "raft-replication#appendentries"},

	// Part C: 25 points.
	{Name: "Persist1", Part: "C", Points: 2, Seeds: 30, Limit: 60 * sec, Run: testPersist1,
		Description: "the log survives crashes of every node, the leader, a follower", Lesson: "raft-persistence#restore"},
	{Name: "Persist2", Part: "C", Points: 2, Seeds: 30, Limit: 90 * sec, Run: testPersist2,
		Description: "repeated crashes of majorities and leaders", Lesson: "raft-persistence#restore"},
	{Name: "Persist3", Part: "C", Points: 2, Seeds: 30, Limit: 60 * sec, Run: testPersist3,
		Description: "a crashed leader and follower rejoin a partitioned cluster", Lesson: "raft-persistence#restore"},
	{Name: "Figure8", Part: "C", Points: 3, Seeds: 30, Limit: 120 * sec, Run: testFigure8,
		Description: "the Figure 8 scenario: leaders crash holding entries of old terms", Lesson: "raft-persistence#figure-8"},
	{Name: "Figure8Unreliable", Part: "C", Points: 3, Seeds: 20, Limit: 180 * sec, Run: testFigure8Unreliable,
		Description: "Figure 8 on a lossy network with long reordering", Lesson: "raft-persistence#figure-8"},
	{Name: "UnreliableAgree", Part: "C", Points: 2, Seeds: 30, Limit: 120 * sec, Run: testUnreliableAgree,
		Description: "agreement with loss, duplication and reordering", Lesson: "raft-persistence#unreliable"},
	{Name: "CrashInHandlers", Part: "C", Points: 3, Seeds: 30, Limit: 60 * sec, Run: testCrashInHandlers,
		Description: "crashes strike inside handlers, tearing Syncs, while clients propose", Lesson: "raft-persistence#restore"},
	{Name: "Swarm", Part: "C", Points: 2, Seeds: 30, Limit: 60 * sec, Run: testSwarm,
		Description: "a fault mix drawn per seed, faults overlapping, then all heal and the cluster must commit", Lesson: "raft-persistence#churn"},
	{Name: "PausesAndClocks", Part: "C", Points: 2, Seeds: 30, Limit: 60 * sec, Run: testPausesAndClocks,
		Description: "paused nodes, skewed and drifting clocks and one-way cuts, overlapping", Lesson: "raft-persistence#churn"},
	{Name: "Churn", Part: "C", Points: 2, Seeds: 20, Limit: 60 * sec, Run: testChurn,
		Description: "crashes, restarts and partitions while clients propose", Lesson: "raft-persistence#churn"},
	{Name: "UnreliableChurn", Part: "C", Points: 2, Seeds: 20, Limit: 60 * sec, Run: testUnreliableChurn,
		Description: "churn on an unreliable network", Lesson: "raft-persistence#churn"},

	// Part D: 20 points.
	{Name: "SnapshotBasic", Part: "D", Points: 3, Seeds: 30, Limit: 60 * sec, Run: testSnapshotBasic,
		Description: "services snapshot every 10 entries; logs are trimmed", Lesson: "raft-snapshots#trimming"},
	{Name: "SnapshotInstall", Part: "D", Points: 4, Seeds: 30, Limit: 120 * sec, Run: testSnapshotInstall,
		Description: "a follower cut off past the leader's snapshot catches up by InstallSnapshot", Lesson: "raft-snapshots#installsnapshot"},
	{Name: "SnapshotInstallUnreliable", Part: "D", Points: 3, Seeds: 30, Limit: 180 * sec, Run: testSnapshotInstallUnreliable,
		Description: "InstallSnapshot on an unreliable network", Lesson: "raft-snapshots#installsnapshot"},
	{Name: "SnapshotInstallCrash", Part: "D", Points: 3, Seeds: 30, Limit: 120 * sec, Run: testSnapshotInstallCrash,
		Description: "InstallSnapshot to followers that crashed", Lesson: "raft-snapshots#installsnapshot"},
	{Name: "SnapshotAllCrash", Part: "D", Points: 3, Seeds: 30, Limit: 120 * sec, Run: testSnapshotAllCrash,
		Description: "every node crashes and restarts from its snapshot", Lesson: "raft-snapshots#restart"},
	{Name: "SnapshotInit", Part: "D", Points: 2, Seeds: 30, Limit: 60 * sec, Run: testSnapshotInit,
		Description: "a restarted node hands its service the persisted snapshot first", Lesson: "raft-snapshots#restart"},
	{Name: "LogSizeBound", Part: "D", Points: 2, Seeds: 30, Limit: 120 * sec, Run: testLogSizeBound,
		Description: "durable state stays bounded across 200 commands", Lesson: "raft-snapshots#trimming"},
}
