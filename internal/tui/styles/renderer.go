package styles

import (
	"reflect"

	"github.com/charmbracelet/lipgloss"
)

// For returns a copy of the styles bound to renderer r, so they draw with r's
// colour profile and background (one renderer per SSH session in the classroom,
// where the process's own terminal says nothing about the participant's). A nil r
// returns s unchanged.
func (s *Styles) For(r *lipgloss.Renderer) *Styles {
	if s == nil || r == nil {
		return s
	}
	out := *s
	v := reflect.ValueOf(&out).Elem()
	styleType := reflect.TypeFor[lipgloss.Style]()
	for i := range v.NumField() {
		if f := v.Field(i); f.Type() == styleType && f.CanSet() {
			f.Set(reflect.ValueOf(f.Interface().(lipgloss.Style).Renderer(r)))
		}
	}
	return &out
}
