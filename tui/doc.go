// Package tui is faultline's terminal UI, built with Bubble Tea.
//
// The root model (App) routes messages to the focused screen: the course
// map, the lesson reader, the demo list, and the trace viewer (package
// viewer), which draws a run as a space-time diagram. Every screen has the
// same shape (Init, Update, View, SetSize, and a help keymap), one Styles
// value and one KeyMap built by constructors, and does its I/O (running a
// demo, reading a trace) in tea.Cmd functions.
package tui
