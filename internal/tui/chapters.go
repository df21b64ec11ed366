package tui

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/tui/chapter"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/progress"
	"github.com/cognitolab/cognitolab/lessons"
)

// Opening chapters and recording what the learner has done: the progress file,
// kept in order, and the home screen's list that shows it.

// saveProgress writes a snapshot of the progress in a command. Commands run
// concurrently, in no set order: saveOrder keeps an older snapshot from landing after
// a newer one.
func (m *Model) saveProgress() tea.Cmd {
	path, p := m.opts.StatePath, m.prog
	if path == "" {
		return nil
	}
	p.Done = slices.Clone(p.Done)
	p.Users = slices.Clone(p.Users)
	gen := m.saves.take()
	return func() tea.Msg {
		return progressSavedMsg{err: m.saves.write(gen, func() error { return progress.Save(path, p) })}
	}
}

// saveOrder numbers the progress snapshots and writes only ones newer than the last
// written.
type saveOrder struct {
	mu      sync.Mutex
	taken   uint64
	written uint64
}

func (o *saveOrder) take() uint64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.taken++
	return o.taken
}

func (o *saveOrder) write(gen uint64, save func() error) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if gen <= o.written {
		return nil // a newer snapshot is already on disk
	}
	if err := save(); err != nil {
		return err
	}
	o.written = gen
	return nil
}

// open shows chapter i, keeping the open chapter (and its run) when it is the same one.
func (m *Model) open(i int) tea.Cmd {
	if i < 0 || i >= len(m.chapters) {
		return nil
	}
	ch := m.chapters[i]
	m.screen = screenChapter
	if m.chapter != nil && m.chapter.Chapter().ID == ch.ID {
		return m.resize()
	}
	if m.chapter != nil {
		m.runner.Stop()
	}
	name := ch.Lesson
	if name == "" {
		name = fmt.Sprintf("%02d-%s.md", ch.Number, ch.ID)
	}
	md, err := lessonText(name, m.runner.Session().Target, m.c.Classroom)
	if err != nil {
		md = fmt.Sprintf("# %s\n\nThe lesson text for this chapter (%s) is missing from this build. The hops below still explain themselves.", ch.Title, name)
	}
	m.chapter = chapter.New(m.ctx, m.c, ch, md, m.runner, m.shared, m.inputs) // the learner's choices, shared by every chapter
	if ch.Run == nil {
		// A reading chapter is done once opened.
		m.prog.MarkDone(ch.ID)
		m.advanceCurrent(ch.ID)
		return tea.Batch(m.resize(), m.saveProgress())
	}
	m.prog.Current = ch.ID
	return tea.Batch(m.resize(), m.saveProgress())
}

// finished records a chapter's result in the progress file.
func (m *Model) finished(msg chapter.FinishedMsg) tea.Cmd {
	for k, v := range msg.Inputs {
		if !flows.OneTimeInput(k) { // the run that took it has used it up
			m.inputs[k] = v
		}
	}
	if msg.Err != nil {
		return m.loadMailbox()
	}
	m.prog.MarkDone(msg.ID)
	if msg.ID == "signup" {
		u := m.runner.Session().Learner()
		if u == "" {
			u = m.inputs["username"]
		}
		if u != "" {
			m.prog.AddUser(u)
		}
	}
	m.advanceCurrent(msg.ID)
	m.refreshHome(true)
	return tea.Batch(m.saveProgress(), m.loadMailbox())
}

// advanceCurrent makes the chapter after id the current one.
func (m *Model) advanceCurrent(id string) {
	for i, ch := range m.chapters {
		if ch.ID == id && i+1 < len(m.chapters) {
			m.prog.Current = m.chapters[i+1].ID
			return
		}
	}
}

// selectAfter puts the home list's cursor, back from a chapter, on that chapter when
// it is not done, else on the chapter after it: esc then enter opens the next
// chapter in order, never a far one (Teardown, when every other was done).
func (m *Model) selectAfter() {
	if m.chapter == nil {
		return
	}
	id := m.chapter.Chapter().ID
	i := slices.IndexFunc(m.chapters, func(ch flows.Chapter) bool { return ch.ID == id })
	if i < 0 {
		return
	}
	if m.prog.IsDone(id) && i+1 < len(m.chapters) {
		i++
	}
	m.home.Select(i)
}

func (m *Model) refreshHome(selectCurrent bool) {
	m.home.SetProgress(m.prog, selectCurrent)
	users := slices.Clone(m.prog.Users)
	for _, u := range m.shared.Mail.Usernames() {
		if !slices.Contains(users, u) {
			users = append(users, u)
		}
	}
	m.home.SetUsers(users)
}

// lessonText is a chapter's lesson with the running lab's addresses filled in, so its
// curl lines name the ports the home screen shows. In a classroom it is told as the
// participant sees it (classroomLesson).
func lessonText(name string, t target.Target, classroom bool) (string, error) {
	md, err := lessons.Chapter(name)
	if err != nil {
		return "", err
	}
	if classroom {
		md = classroomLesson(md, common.LoopbackURL(t.AppURL))
	}
	return lessons.Fill(md, lessons.URLs{AppURL: t.AppURL, CognitoURL: t.CognitoDomainURL}), nil
}

// Said in a classroom in place of a lesson's paragraph on the deploy or destroy key,
// and at the top of the Try-this of a lesson that names the lab's addresses when the
// lab listens on the instructor's loopback.
const (
	classroomAWS  = "**In this classroom** the instructor runs the lab: deploying and destroying it are theirs, so those keys are not here."
	classroomLoop = "**In this classroom** your lab runs on the instructor's machine, on its loopback: the addresses below answer only there, not from your computer. The hops here show each request and answer in full."
)

// classroomLesson is a lesson (Markdown, its address placeholders not yet filled) for
// a classroom participant: a paragraph telling them to press d or x (deploy, destroy)
// says those are the instructor's, and when the lab's addresses answer only on the
// instructor's machine (loopback) and the lesson names them, its Try-this says so
// first.
func classroomLesson(md string, loopback bool) string {
	paras := strings.Split(md, "\n\n")
	for i, p := range paras {
		l := strings.ToLower(p)
		if strings.Contains(l, "press **d**") || strings.Contains(l, "press **x**") {
			paras[i] = classroomAWS
		}
	}
	md = strings.Join(paras, "\n\n")
	if !loopback || !strings.Contains(md, "{{.AppURL}}") && !strings.Contains(md, "{{.CognitoURL}}") {
		return md
	}
	const try = "## Try this\n\n"
	if i := strings.Index(md, try); i >= 0 {
		return md[:i+len(try)] + classroomLoop + "\n\n" + md[i+len(try):]
	}
	return strings.TrimRight(md, "\n") + "\n\n" + classroomLoop + "\n"
}
