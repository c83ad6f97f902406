//! Keeping codings on their words.
//!
//! Inside Ripple every edit is known exactly, so a coded range is moved through it
//! (`map_range`, in the spirit of helix's `ChangeSet::map_pos`). When a file was changed
//! outside Ripple, codings are re-attached from their stored quote and context.

use crate::core::coding::{AnchorStatus, Coding, CONTEXT_CHARS};
use crate::core::fold::FoldedText;

/// One edit: the code points `[start, start + removed)` were replaced by `inserted` code points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub start: usize,
    pub removed: usize,
    pub inserted: usize,
}

impl Change {
    pub fn end(&self) -> usize {
        self.start + self.removed
    }
}

/// Move a coded range `[s, e)` through a change.
///
/// - Typing right before the passage (at `s`) shifts it; typing right after it (at `e`) leaves it.
/// - A change wholly inside the passage (or replacing exactly it) grows or shrinks it.
/// - Otherwise each end maps on its own: an end inside removed text moves to the edge of the
///   change, so the passage loses the removed words.
///
/// Returns an empty range (`start == end`) when all the coded text was removed: the caller
/// marks the coding orphaned.
pub fn map_range(s: usize, e: usize, c: Change) -> (usize, usize) {
    let (cs, ce) = (c.start, c.end());
    let shift = |p: usize| (p as isize + c.inserted as isize - c.removed as isize) as usize;
    if c.removed == 0 {
        return if cs <= s {
            (shift(s), shift(e))
        } else if cs >= e {
            (s, e)
        } else {
            (s, shift(e))
        };
    }
    if ce <= s {
        return (shift(s), shift(e));
    }
    if cs >= e {
        return (s, e);
    }
    if cs >= s && ce <= e {
        return (s, shift(e).max(s));
    }
    // Partial overlap: map each end on its own.
    let ns = if s < cs { s } else { cs + c.inserted };
    let ne = if e > ce { shift(e) } else { cs };
    if ne <= ns {
        (ns, ns)
    } else {
        (ns, ne)
    }
}

/// What `reattach` did with a coding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reattach {
    /// The quoted words are still at the stored offsets.
    Unchanged,
    /// The quoted words were found elsewhere and the coding now points there.
    Moved {
        from: (usize, usize),
        to: (usize, usize),
    },
    /// The words are gone, or occur in several places that the stored context cannot tell
    /// apart: the coding is marked orphaned rather than moved to possibly wrong words.
    Orphaned,
}

/// How many more context code points the best candidate must match than the runner-up before
/// the context is trusted to tell repeated quotes apart.
const MIN_CONTEXT_MARGIN: usize = 4;

/// Re-attach a coding to `text` (the note as it is now, with LF line endings) after the note
/// was changed outside Ripple.
///
/// 1. If the stored offsets still hold the quote, nothing moves (unless another place has
///    clearly better context).
/// 2. Otherwise every occurrence of the quote is a candidate, as search reads words
///    (`core::fold`: case, accents, quote marks, dashes, line endings and runs of whitespace
///    may differ), whole words where the coding was (a coded "court" is not found in
///    "courtroom").
/// 3. Each candidate is scored by how many code points of the stored `before`/`after` context
///    (folded the same way) still surround it; the best wins only if it beats the runner-up
///    by a clear margin and at least `MIN_SUPPORT` of its context is still there (distance to
///    the old position decides nothing: a guess is worse than an orphan, so the one other
///    occurrence of words whose own place was deleted is not taken for them).
/// 4. After a move, quote and context are refreshed from the text. An orphan keeps its quote
///    and context, with its offsets clamped to the text.
pub fn reattach(text: &str, coding: &mut Coding) -> Reattach {
    reattach_all(text, std::slice::from_mut(coding))[0]
}

/// `reattach` for every coding of one note.
///
/// Most codings sit exactly where they were stored: for those, the quote and its full context
/// are compared byte for byte at the stored offsets ([`unchanged_in_place`]) without decoding
/// the note. The note is decoded into code points (once) only when some coding needs the
/// search.
pub fn reattach_all(text: &str, codings: &mut [Coding]) -> Vec<Reattach> {
    let points: Vec<usize> = codings.iter().flat_map(|c| [c.start, c.end]).collect();
    let bytes = byte_offsets(text, &points);
    let mut note: Option<Note> = None;
    codings
        .iter_mut()
        .zip(bytes.chunks_exact(2))
        .map(|(c, b)| {
            if unchanged_in_place(text, c, b[0], b[1]) {
                c.status = AnchorStatus::Attached;
                return Reattach::Unchanged;
            }
            let note = note.get_or_insert_with(|| Note::new(text));
            reattach_chars(note, c)
        })
        .collect()
}

/// A note as the search for a coding's words reads it: decoded once, and folded (`core::fold`)
/// once, when some coding first needs it, for every coding of the note.
struct Note<'a> {
    text: &'a str,
    chars: Vec<char>,
    folded: std::cell::OnceCell<FoldedText>,
}

impl<'a> Note<'a> {
    fn new(text: &'a str) -> Note<'a> {
        Note {
            text,
            chars: decode(text),
            folded: std::cell::OnceCell::new(),
        }
    }

    fn folded(&self) -> &FoldedText {
        self.folded.get_or_init(|| FoldedText::new(self.text))
    }
}

/// How many places of `text` re-attachment would consider for `coding` (its words, exactly or
/// as search reads them, on the edges it was coded on): what an orphan's report says, since
/// words present but in more places than their context tells apart are not "gone".
pub fn quote_occurrences(text: &str, coding: &Coding) -> usize {
    let q: Vec<char> = coding.quote.chars().collect();
    places(&Note::new(text), &q, &Context::of(coding)).len()
}

/// The places the words `quote` may have gone to: every occurrence, exact or as search reads
/// words, whose edges fit the coding's (`Context::edges_fit`); an exact one stands for a loose
/// one over the same words (which may take in a mark after them).
fn places(note: &Note, quote: &[char], context: &Context) -> Vec<(usize, usize)> {
    let text = &note.chars[..];
    let mut out: Vec<(usize, usize)> = if quote.is_empty() {
        Vec::new()
    } else {
        find_all(text, quote)
    };
    out.retain(|&r| context.edges_fit(text, r));
    let exact = out.len();
    for r in find_all_loose(note, quote) {
        if context.edges_fit(text, r) && !out[..exact].iter().any(|&(cs, ce)| cs < r.1 && r.0 < ce)
        {
            out.push(r);
        }
    }
    out
}

/// The code points of `text`, allocated once at their exact count.
fn decode(text: &str) -> Vec<char> {
    let mut chars = Vec::with_capacity(text.chars().count());
    chars.extend(text.chars());
    chars
}

/// The byte offset of each code-point offset in `points` (`None` past the end of `text`),
/// found in one pass over the text.
fn byte_offsets(text: &str, points: &[usize]) -> Vec<Option<usize>> {
    if text.is_ascii() {
        return points
            .iter()
            .map(|&p| (p <= text.len()).then_some(p))
            .collect();
    }
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_unstable_by_key(|&i| points[i]);
    let mut out = vec![None; points.len()];
    let mut next = order.into_iter().peekable();
    let ends = text.char_indices().map(|(b, _)| b).chain([text.len()]);
    for (point, byte) in ends.enumerate() {
        while let Some(i) = next.next_if(|&i| points[i] == point) {
            out[i] = Some(byte);
        }
        if next.peek().is_none() {
            break;
        }
    }
    out
}

/// Whether the coding's quote is still at its stored code-point offsets (whose byte offsets in
/// `text` are `bs` and `be`) with all of its stored context around it: the case in which
/// [`reattach_chars`] leaves it unchanged at once.
///
/// UTF-8 compares as code points do: a valid UTF-8 string equals the bytes of `text` at a
/// code-point boundary exactly when it is the same code points there, so the check needs only
/// the byte offsets of `start` and `end`, not a decoded note.
fn unchanged_in_place(text: &str, coding: &Coding, bs: Option<usize>, be: Option<usize>) -> bool {
    let (Some(bs), Some(be)) = (bs, be) else {
        return false;
    };
    let bytes = text.as_bytes();
    !coding.quote.is_empty()
        && bs <= be
        && &bytes[bs..be] == coding.quote.as_bytes()
        && bytes[..bs].ends_with(coding.before.as_bytes())
        && bytes[be..].starts_with(coding.after.as_bytes())
}

fn reattach_chars(note: &Note, coding: &mut Coding) -> Reattach {
    let text = &note.chars[..];
    let quote: Vec<char> = coding.quote.chars().collect();
    let context = Context::of(coding);
    let (s, e) = (coding.start, coding.end);
    let in_place = !quote.is_empty() && s <= e && e <= text.len() && text[s..e] == quote[..];
    if in_place
        && common_suffix(&text[..s], &context.before_raw)
            + common_prefix(&text[e..], &context.after_raw)
            == context.before_raw.len() + context.after_raw.len()
    {
        coding.status = AnchorStatus::Attached;
        return Reattach::Unchanged;
    }
    // Every occurrence of the words as search reads them (the exact ones among them), whole
    // where the coding was whole: a coded word is not found again inside a longer one.
    let candidates = places(note, &quote, &context);
    let mut scored: Vec<(Support, (usize, usize))> = candidates
        .iter()
        .map(|&r| (context.score(text, r), r))
        .collect();
    scored.sort_by_key(|x| std::cmp::Reverse(x.0.matched));
    // The best place, if its context clearly beats the next one's and still surrounds it.
    let clear_winner = |scored: &[(Support, (usize, usize))]| {
        let (best, r) = *scored.first()?;
        let clear = scored
            .get(1)
            .is_none_or(|&(second, _)| best.matched >= second.matched + MIN_CONTEXT_MARGIN);
        (clear && best.enough()).then_some(r)
    };
    let chosen = if in_place {
        // The words are still where they were, but their surroundings changed: another
        // occurrence may have slid into this place (text inserted before a repeated phrase).
        // Leave only for a place whose context is clearly better.
        match clear_winner(&scored) {
            Some(r) if r != (s, e) => Some(r),
            _ => {
                // Same place; remember today's surroundings for the next re-attachment.
                refresh_context(text, coding);
                coding.status = AnchorStatus::Attached;
                return Reattach::Unchanged;
            }
        }
    } else {
        clear_winner(&scored)
    };
    match chosen {
        Some((ns, ne)) => {
            coding.start = ns;
            coding.end = ne;
            coding.quote = text[ns..ne].iter().collect();
            refresh_context(text, coding);
            coding.status = AnchorStatus::Attached;
            coding.updated = chrono::Utc::now();
            Reattach::Moved {
                from: (s, e),
                to: (ns, ne),
            }
        }
        None => {
            coding.start = s.min(text.len());
            coding.end = e.min(text.len()).max(coding.start);
            coding.status = AnchorStatus::Orphaned;
            Reattach::Orphaned
        }
    }
}

/// How many code points of the stored context, as search folds text, must still surround a
/// place before a coding moves there (fewer when less was stored: a passage at the start of a
/// note). A few characters match by chance (a space, "d " of "said " and "admitted "); two
/// words do not.
const MIN_SUPPORT: usize = 8;

/// How much of a coding's context surrounds a place, and how much could have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Support {
    matched: usize,
    comparable: usize,
}

impl Support {
    /// Enough context agrees with the place: `MIN_SUPPORT` code points, or all that could be
    /// compared when less could.
    fn enough(self) -> bool {
        self.matched >= MIN_SUPPORT.min(self.comparable)
    }
}

/// A coding's stored context, as stored and folded (`core::fold`: case, accents, quote marks,
/// dashes and runs of whitespace do not count), and whether it began or ended inside a word.
struct Context {
    before_raw: Vec<char>,
    after_raw: Vec<char>,
    before: Vec<char>,
    after: Vec<char>,
    opens_in_word: bool,
    closes_in_word: bool,
    /// The coded words began with a mark (of the letter before them).
    opens_at_mark: bool,
    /// The coded words ended before a mark (of their last letter).
    closes_at_mark: bool,
}

impl Context {
    fn of(coding: &Coding) -> Context {
        let before_raw: Vec<char> = coding.before.chars().collect();
        let after_raw: Vec<char> = coding.after.chars().collect();
        let word = |c: Option<&char>| c.is_some_and(|&c| crate::core::fold::spaced_word_char(c));
        let (first, last) = (
            coding.quote.chars().next(),
            coding.quote.chars().next_back(),
        );
        Context {
            before: FoldedText::new(&coding.before).chars,
            after: FoldedText::new(&coding.after).chars,
            opens_in_word: word(before_raw.last()) && word(first.as_ref()),
            closes_in_word: word(after_raw.first()) && word(last.as_ref()),
            opens_at_mark: first.is_some_and(crate::core::text::is_word_mark),
            closes_at_mark: after_raw
                .first()
                .is_some_and(|&c| crate::core::text::is_word_mark(c)),
            before_raw,
            after_raw,
        }
    }

    /// How much of the folded context surrounds `(s, e)` in `text`, and how much could have:
    /// the stored context as far as the text around the place reaches (a place at the start
    /// of the note has no text before it to agree or disagree with).
    fn score(&self, text: &[char], (s, e): (usize, usize)) -> Support {
        // Folding may make text shorter (dropped marks, a run of spaces as one): a window of
        // twice the stored context, and a little more, holds all it can match.
        let wb = s.saturating_sub(2 * self.before_raw.len() + 8);
        let we = (e + 2 * self.after_raw.len() + 8).min(text.len());
        let fold = |t: &[char]| FoldedText::new(&t.iter().collect::<String>()).chars;
        let (b, a) = (fold(&text[wb..s]), fold(&text[e..we]));
        Support {
            matched: common_suffix(&b, &self.before) + common_prefix(&a, &self.after),
            comparable: b.len().min(self.before.len()) + a.len().min(self.after.len()),
        }
    }

    /// Whether a place starts and ends where the coded words did: on a word's edge, unless the
    /// coding itself began or ended inside a word.
    fn edges_fit(&self, text: &[char], (s, e): (usize, usize)) -> bool {
        use crate::core::text::is_word_mark;
        let word = |i: usize| crate::core::fold::spaced_word_char(text[i]);
        // An accent written after its letter is part of the word: a place starts or ends
        // between a letter and its mark only where the coding did.
        let mark = |i: usize| is_word_mark(text[i]);
        let joined = |i: usize| {
            i > 0 && i < text.len() && (mark(i) || ((word(i - 1) || mark(i - 1)) && word(i)))
        };
        let fits = |i: usize, in_word: bool, at_mark: bool| {
            !joined(i) || if mark(i) { at_mark } else { in_word }
        };
        fits(s, self.opens_in_word, self.opens_at_mark)
            && fits(e, self.closes_in_word, self.closes_at_mark)
    }
}

fn refresh_context(text: &[char], coding: &mut Coding) {
    let (s, e) = (coding.start, coding.end);
    coding.before = text[s.saturating_sub(CONTEXT_CHARS)..s].iter().collect();
    coding.after = text[e..(e + CONTEXT_CHARS).min(text.len())]
        .iter()
        .collect();
}

/// Every (possibly overlapping) occurrence of `needle` in `hay`, as code-point ranges.
fn find_all(hay: &[char], needle: &[char]) -> Vec<(usize, usize)> {
    if needle.is_empty() || needle.len() > hay.len() {
        return Vec::new();
    }
    hay.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| (i, i + needle.len()))
        .collect()
}

/// Occurrences of `needle` as search reads text (`core::fold`: case, accents, quote marks,
/// dashes and runs of whitespace, including CR and LF, may differ), mapped back to code-point
/// ranges of `hay`. An editor that curled the apostrophes or re-wrapped the lines leaves the
/// words findable.
fn find_all_loose(note: &Note, needle: &[char]) -> Vec<(usize, usize)> {
    let needle: String = needle.iter().collect();
    let n = crate::core::fold::fold_quote(&needle);
    // A quote of only whitespace would match everywhere: not evidence of anything.
    if n.iter().all(|c| *c == ' ') {
        return Vec::new();
    }
    let folded = note.folded();
    folded
        .find_all(&n)
        .into_iter()
        .map(|(i, j)| folded.original(i, j))
        .collect()
}

fn common_suffix(a: &[char], b: &[char]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

fn common_prefix(a: &[char], b: &[char]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ins(at: usize, n: usize) -> Change {
        Change {
            start: at,
            removed: 0,
            inserted: n,
        }
    }
    fn del(at: usize, n: usize) -> Change {
        Change {
            start: at,
            removed: n,
            inserted: 0,
        }
    }

    #[test]
    fn insertions() {
        assert_eq!(map_range(10, 20, ins(0, 3)), (13, 23));
        assert_eq!(
            map_range(10, 20, ins(10, 3)),
            (13, 23),
            "typing before shifts"
        );
        assert_eq!(
            map_range(10, 20, ins(15, 3)),
            (10, 23),
            "typing inside grows"
        );
        assert_eq!(
            map_range(10, 20, ins(20, 3)),
            (10, 20),
            "typing after leaves"
        );
        assert_eq!(map_range(10, 20, ins(25, 3)), (10, 20));
    }

    #[test]
    fn deletions() {
        assert_eq!(map_range(10, 20, del(0, 5)), (5, 15));
        assert_eq!(map_range(10, 20, del(5, 5)), (5, 15));
        assert_eq!(
            map_range(10, 20, del(12, 3)),
            (10, 17),
            "deleting inside shrinks"
        );
        assert_eq!(map_range(10, 20, del(5, 10)), (5, 10), "overlap at start");
        assert_eq!(map_range(10, 20, del(15, 10)), (10, 15), "overlap at end");
        assert_eq!(map_range(10, 20, del(5, 20)), (5, 5), "all removed: empty");
        assert_eq!(
            map_range(10, 20, del(10, 10)),
            (10, 10),
            "exactly removed: empty"
        );
    }

    #[test]
    fn replacements() {
        let rep = |at, rm, n| Change {
            start: at,
            removed: rm,
            inserted: n,
        };
        assert_eq!(
            map_range(10, 20, rep(10, 10, 4)),
            (10, 14),
            "replacing the passage keeps it on the new words"
        );
        assert_eq!(map_range(10, 20, rep(12, 2, 5)), (10, 23));
        assert_eq!(map_range(10, 20, rep(5, 10, 2)), (7, 12));
        assert_eq!(map_range(10, 20, rep(15, 10, 2)), (10, 15));
    }
}

#[cfg(test)]
mod reattach_tests {
    use super::*;
    use crate::core::coding_store::new_coding;
    use crate::core::session::SessionId;
    use crate::core::text::{char_slice, normalize_newlines};
    use proptest::prelude::*;

    /// A coding of the exact words `quote` (its `occurrence`-th exact occurrence, 1-based;
    /// None: the only one).
    fn code(text: &str, quote: &str, occurrence: Option<usize>) -> Coding {
        let hits: Vec<usize> = text.match_indices(quote).map(|(b, _)| b).collect();
        let b = match occurrence {
            Some(n) => hits[n - 1],
            None => {
                assert_eq!(hits.len(), 1, "{quote:?} in {text:?}");
                hits[0]
            }
        };
        let s = text[..b].chars().count();
        let e = s + quote.chars().count();
        new_coding(text, &SessionId::new(), s, e, "trust", "Ana", "").unwrap()
    }

    fn on_words(text: &str, c: &Coding, words: &str) -> bool {
        c.status == AnchorStatus::Attached && char_slice(text, c.start, c.end) == words
    }

    #[test]
    fn unchanged_text_leaves_the_coding_alone() {
        let text = "The advocate said we finally trust each other.";
        let mut c = code(text, "trust each other", None);
        let before = c.clone();
        assert_eq!(reattach(text, &mut c), Reattach::Unchanged);
        assert_eq!(c, before);
    }

    #[test]
    fn in_place_with_new_surroundings_keeps_offsets_and_refreshes_context() {
        let old = "Notes. We finally trust each other. Next steps.";
        let mut c = code(old, "We finally trust each other", None);
        let new = "Notes. We finally trust each other, said both leads.";
        assert_eq!(reattach(new, &mut c), Reattach::Unchanged);
        assert_eq!((c.start, c.end), (7, 34));
        assert_eq!(c.after, ", said both leads.");
    }

    #[test]
    fn emoji_before_the_passage() {
        // Tools that count UTF-16 units or bytes put the passage off by one or more per emoji.
        let old = "Check-in went well. We finally trust each other.";
        let mut c = code(old, "trust each other", None);
        for prefix in ["🙂 ", "👩‍👩‍👧 ", "🙂👩‍👩‍👧 Doña Ana 我们 "] {
            let new = format!("{prefix}{old}");
            let mut moved = c.clone();
            let r = reattach(&new, &mut moved);
            let shift = prefix.chars().count();
            assert_eq!(
                r,
                Reattach::Moved {
                    from: (c.start, c.end),
                    to: (c.start + shift, c.end + shift)
                }
            );
            assert!(on_words(&new, &moved, "trust each other"));
            assert!(moved.before.ends_with("We finally "));
        }
        // And a coding made after the emoji stays put when nothing changes.
        let text = "👩‍👩‍👧 We finally trust each other.";
        c = code(text, "trust each other", None);
        assert_eq!(c.start, 17);
        assert_eq!(reattach(text, &mut c), Reattach::Unchanged);
    }

    #[test]
    fn replaced_words_orphan_the_coding() {
        let old = "Supervisors said: we finally trust each other now.";
        let mut c = code(old, "we finally trust each other", None);
        let new = "Supervisors said: relations are still tense.";
        assert_eq!(reattach(new, &mut c), Reattach::Orphaned);
        assert_eq!(c.status, AnchorStatus::Orphaned);
        assert_eq!(c.quote, "we finally trust each other", "the quote is kept");
        assert!(c.start <= c.end && c.end <= new.chars().count(), "clamped");
        // Orphans can come back when the words return.
        assert!(matches!(
            reattach(old, &mut c),
            Reattach::Unchanged | Reattach::Moved { .. }
        ));
        assert!(on_words(old, &c, "we finally trust each other"));
    }

    #[test]
    fn crlf_conversion() {
        let old = "Line one.\nWe finally\ntrust each other.\nLine four.";
        let mut c = code(old, "finally\ntrust each", None);
        let crlf = old.replace('\n', "\r\n");
        // Normalised on read (what the store does): nothing moves.
        let mut same = c.clone();
        assert_eq!(
            reattach(&normalize_newlines(&crlf), &mut same),
            Reattach::Unchanged
        );
        // Given the raw CRLF text, the quote is found despite the different line ending.
        assert!(matches!(reattach(&crlf, &mut c), Reattach::Moved { .. }));
        assert_eq!(char_slice(&crlf, c.start, c.end), "finally\r\ntrust each");
    }

    #[test]
    fn whitespace_runs_and_reflowed_lines() {
        let old = "The team agreed to hold the meeting at the shelter so she would not travel.";
        let mut c = code(old, "hold the meeting at the shelter", None);
        let new = "The team agreed to hold  the\nmeeting at the shelter so she would not travel.";
        assert!(matches!(reattach(new, &mut c), Reattach::Moved { .. }));
        assert!(on_words(new, &c, "hold  the\nmeeting at the shelter"));
        assert_eq!(
            c.quote, "hold  the\nmeeting at the shelter",
            "quote refreshed"
        );
    }

    #[test]
    fn typography_changed_by_another_editor_keeps_the_coding() {
        let old = "Notes. The father said \"I don't want CYFD in my home\" - twice.";
        let mut c = code(old, "\"I don't want CYFD in my home\" - twice", None);
        // A word processor curled the quotes and made the hyphen a dash.
        let new = "Notes. The father said “I don’t want CYFD in my home” — twice.";
        assert!(matches!(reattach(new, &mut c), Reattach::Moved { .. }));
        assert!(on_words(new, &c, "“I don’t want CYFD in my home” — twice"));
    }

    #[test]
    fn repeated_quote_follows_its_context() {
        let old = "CYFD staff: we trust La Casa now.\nLa Casa staff: we trust CYFD now.";
        let mut second = code(old, "we trust", Some(2));
        let mut first = code(old, "we trust", Some(1));
        let new = format!("Added heading.\n\n{old}");
        assert!(matches!(
            reattach(&new, &mut second),
            Reattach::Moved { .. }
        ));
        assert!(on_words(&new, &second, "we trust"));
        assert!(char_slice(&new, second.end, second.end + 5) == " CYFD");
        assert!(matches!(reattach(&new, &mut first), Reattach::Moved { .. }));
        assert!(char_slice(&new, first.end, first.end + 8) == " La Casa");
        // Swap the two lines: each coding follows its own words.
        let swapped = "La Casa staff: we trust CYFD now.\nCYFD staff: we trust La Casa now.";
        let (mut a, mut b) = (
            code(old, "we trust", Some(1)),
            code(old, "we trust", Some(2)),
        );
        reattach(swapped, &mut a);
        reattach(swapped, &mut b);
        assert_eq!(char_slice(swapped, a.end, a.end + 8), " La Casa");
        assert_eq!(char_slice(swapped, b.end, b.end + 5), " CYFD");
    }

    #[test]
    fn repeated_quote_with_identical_context_is_orphaned_not_guessed() {
        let block = "Intro.\nFollow-up: we trust each other.\nEnd.";
        let mut c = code(block, "we trust each other", None);
        // The block was pasted twice under a new heading: both copies have the same
        // surroundings, and the old position no longer holds the quote.
        let new = format!("Heading\n{block}\n{block}");
        assert_eq!(reattach(&new, &mut c), Reattach::Orphaned, "must not guess");
    }

    /// The words of one occurrence retyped (a capital), the other occurrence left as it was:
    /// the coding stays on its own words, never jumps to the other.
    #[test]
    fn retyped_words_keep_their_coding_off_the_other_occurrence() {
        let old = "Monday: the supervisor said the court delays hurt families most in Otero.\n\nFriday: a judge admitted the court delays are a staffing issue, nothing more.\n";
        let mut c = code(old, "the court delays", Some(1));
        let new = old.replacen("said the court delays", "said the Court delays", 1);
        reattach(&new, &mut c);
        assert!(on_words(&new, &c, "the Court delays"), "{c:?}");
        assert_eq!((c.start, c.end), (28, 44));
    }

    /// The coded occurrence deleted: the one left is not taken for it (its surroundings say it
    /// is another passage).
    #[test]
    fn the_other_occurrence_of_deleted_words_is_not_taken_for_them() {
        let old = "Monday: the supervisor said the court delays hurt families most in Otero.\n\nFriday: a judge admitted the court delays are a staffing issue, nothing more.\n";
        let mut c = code(old, "the court delays", Some(2));
        let new = "Monday: the supervisor said the court delays hurt families most in Otero.\n";
        assert_eq!(reattach(new, &mut c), Reattach::Orphaned);
        // Words at the start of a note, with nothing before them to disagree, still follow.
        let old = "We trust each other now. The rest of the note.";
        let mut c = code(old, "We trust each other now.", None);
        let new = "We trust each other now. Rewritten entirely after it.";
        assert!(matches!(
            reattach(new, &mut c),
            Reattach::Unchanged | Reattach::Moved { .. }
        ));
        assert!(on_words(new, &c, "We trust each other now."));
    }

    /// A coded word is not found again inside a longer word; a coding that began inside a
    /// word may be.
    #[test]
    fn a_coded_word_is_not_found_inside_a_longer_one() {
        let old = "The courtroom was full. Later the team discussed the court calendar and the trust issue.";
        let mut c = code(old, " court ", None);
        c.start += 1;
        c.end -= 1;
        c.quote = "court".into();
        let chars: Vec<char> = old.chars().collect();
        refresh_context(&chars, &mut c);
        let new = old.replace("the court calendar", "the calendar");
        assert_eq!(reattach(&new, &mut c), Reattach::Orphaned);
        // Coded inside a word ("room" of "courtroom"): found inside one again.
        let mut inside = code(old, "room", None);
        let new = format!("Notes. {old}");
        assert!(matches!(
            reattach(&new, &mut inside),
            Reattach::Moved { .. }
        ));
        assert!(on_words(&new, &inside, "room"));
    }

    /// A one-letter coding inside a word follows its word; an accent written after a letter
    /// keeps a place from ending between them.
    #[test]
    fn codings_inside_words_and_before_accents() {
        let old = "The cats sat.";
        let mut c = code(old, "t", Some(1));
        assert_eq!((c.start, c.end), (6, 7));
        let new = "Notes. The cats sat.";
        assert!(matches!(reattach(new, &mut c), Reattach::Moved { .. }));
        assert_eq!((c.start, c.end), (13, 14));
        // "cafe" coded whole; the note now writes "cafe" + a combining acute: the coding takes
        // the accent with it, never cuts the letter from it.
        let old = "We met at the cafe today.";
        let mut c = code(old, "cafe", None);
        let new = "Notes. We met at the cafe\u{301} today.";
        reattach(new, &mut c);
        assert!(on_words(new, &c, "cafe\u{301}"), "{c:?}");
    }

    #[test]
    fn occurrences_count_exact_and_retyped_words_once_each() {
        let text = "We trust La Casa. we TRUST la casa. We trust La Casa";
        let c = code(text, "We trust La Casa", Some(1));
        assert_eq!(quote_occurrences(text, &c), 3);
        let mut gone = c.clone();
        gone.quote = "gone words".into();
        assert_eq!(quote_occurrences(text, &gone), 0);
        let t = "Pen\u{303}a y Peña y pena";
        let c = code(t, "Peña", None);
        assert_eq!(quote_occurrences(t, &c), 3);
        // Not inside a longer word, nor before a letter's accent.
        let t = "The courtroom, Pen\u{303}a. A pen.";
        let c = code(t, "pen", None);
        assert_eq!(quote_occurrences(t, &c), 1);
    }

    #[test]
    fn text_inserted_before_the_passage() {
        let old = "Joint visit. The father agreed to a parenting plan.";
        let mut c = code(old, "agreed to a parenting plan", None);
        let new = format!("Present: 2 supervisors, 1 advocate (Doña Ana).\n\n{old}");
        let r = reattach(&new, &mut c);
        let shift = new.chars().count() - old.chars().count();
        assert_eq!(
            r,
            Reattach::Moved {
                from: (24, 50),
                to: (24 + shift, 50 + shift)
            }
        );
        assert!(on_words(&new, &c, "agreed to a parenting plan"));
    }

    #[test]
    fn paragraph_moved_elsewhere() {
        let p1 = "First, the group reviewed the case plan together.";
        let p2 = "Second, the advocate said she now trusts CPS to call her first.";
        let p3 = "Third, next steps were agreed.";
        let old = format!("{p1}\n\n{p2}\n\n{p3}");
        let mut c = code(&old, "she now trusts CPS", None);
        let new = format!("{p3}\n\n{p1}\n\n{p2}");
        assert!(matches!(reattach(&new, &mut c), Reattach::Moved { .. }));
        assert!(on_words(&new, &c, "she now trusts CPS"));
        assert_eq!(
            c.before,
            format!("{p1}\n\nSecond, the advocate said ")
                .chars()
                .rev()
                .take(CONTEXT_CHARS)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>(),
            "context refreshed after the move"
        );
    }

    #[test]
    fn reattach_all_handles_each_coding() {
        let old = "A: we trust them. B: calls go unanswered.";
        let mut cs = vec![
            code(old, "we trust them", None),
            code(old, "calls go unanswered", None),
        ];
        let new = "🙂 A: we trust them. B: calls are returned.";
        let r = reattach_all(new, &mut cs);
        assert!(matches!(r[0], Reattach::Moved { .. }));
        assert_eq!(r[1], Reattach::Orphaned);
    }

    /// What the full search (`reattach_chars` on the decoded note) makes of `c` on `text`.
    fn slow(text: &str, c: &Coding) -> (Reattach, Coding) {
        let mut c = c.clone();
        (reattach_chars(&Note::new(text), &mut c), c)
    }

    /// `reattach_all` (which skips the search for codings still in place) and the full search
    /// agree on every coding: outcome, offsets, quote, context and status. (`updated` is the
    /// time of a move, so it is compared only when nothing moved.)
    fn assert_same_as_slow(text: &str, codings: &[Coding]) {
        let mut fast = codings.to_vec();
        let outcomes = reattach_all(text, &mut fast);
        for ((c, f), r) in codings.iter().zip(&fast).zip(outcomes) {
            let (sr, s) = slow(text, c);
            assert_eq!(r, sr, "outcome of {:?} on {text:?}", c.quote);
            assert_eq!(
                (f.start, f.end, &f.quote, &f.before, &f.after, f.status),
                (s.start, s.end, &s.quote, &s.before, &s.after, s.status),
                "{:?} on {text:?}",
                c.quote
            );
            if !matches!(r, Reattach::Moved { .. }) {
                assert_eq!(f.updated, s.updated);
            }
        }
    }

    fn in_place(text: &str, c: &Coding) -> bool {
        let b = byte_offsets(text, &[c.start, c.end]);
        unchanged_in_place(text, c, b[0], b[1])
    }

    #[test]
    fn byte_offsets_in_one_pass() {
        let text = "añ🙂b我";
        assert_eq!(
            byte_offsets(text, &[5, 0, 3, 2, 6, 1, 4, 3]),
            [
                Some(11),
                Some(0),
                Some(7),
                Some(3),
                None,
                Some(1),
                Some(8),
                Some(7)
            ]
        );
        assert_eq!(byte_offsets("abc", &[3, 4, 0]), [Some(3), None, Some(0)]);
        assert_eq!(byte_offsets("", &[0, 1]), [Some(0), None]);
    }

    #[test]
    fn in_place_check_agrees_with_the_search() {
        let old = "Doña Ana 🙂 said: «we trust them». 我们信任他们。 Calls 👩‍👩‍👧 go unanswered.";
        let quotes = [
            "we trust them",
            "我们信任他们",
            "Calls 👩‍👩‍👧 go",
            "Doña",
            "unanswered.",
        ];
        let codings: Vec<Coding> = quotes.iter().map(|q| code(old, q, None)).collect();
        // Unchanged: every coding is in place, and the check alone decides.
        for c in &codings {
            assert!(in_place(old, c), "{:?}", c.quote);
        }
        assert_same_as_slow(old, &codings);
        let variants = [
            // Moved: an emoji and CJK text inserted before everything.
            format!("👍🏽 新的 {old}"),
            // Edited quote: a word of the CJK passage and of the first quote changed.
            old.replace("信任", "相信").replace("trust", "trusted"),
            // Same place, different surroundings (context refreshed, offsets kept).
            old.replace("said:", "told:"),
            // A combining accent in place of a precomposed one: a different code point count.
            old.replace("Doña", "Don\u{303}a"),
            // Text cut short: the last quote runs past the end.
            old.chars().take(old.chars().count() - 3).collect(),
            String::new(),
        ];
        for new in &variants {
            assert_same_as_slow(new, &codings);
        }
        // The moved quotes are no longer in place by the check: the search runs for them.
        assert!(!in_place(&variants[0], &codings[0]));
        // A coding whose offsets run past the end of the note is never in place.
        let mut past = codings[4].clone();
        past.end += 1;
        assert!(!in_place(old, &past));
        assert_same_as_slow(old, &[past]);
    }

    fn unicode_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a",
            "e",
            "ñ",
            "Doña",
            " ",
            " ",
            "\n",
            "\n\n",
            "🙂",
            "👩‍👩‍👧",
            "我们",
            "x",
            ".",
            "trust",
            "é",
            "\u{301}",
            "ß",
            "👍🏽",
            "\t",
        ]);
        prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
    }

    /// Code points beside a passage that an edit "elsewhere" leaves alone.
    const GUARD: usize = 20;

    /// A random edit of `s` inside `[lo, hi)` (code points): insert, delete or replace.
    fn edit(s: &str, lo: usize, hi: usize, at: usize, len: usize, ins: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let start = lo + at % (hi - lo + 1);
        let end = (start + len).min(hi);
        let mut out: String = chars[..start].iter().collect();
        out.push_str(ins);
        out.extend(&chars[end..]);
        out
    }

    proptest! {
        #[test]
        fn edits_elsewhere_keep_codings_on_their_words(
            before in unicode_text(),
            after in unicode_text(),
            edit_before in any::<bool>(),
            at in 0usize..200,
            len in 0usize..10,
            ins in unicode_text(),
        ) {
            let quote = "«we trust each other»";
            let old = format!("{before}{quote}{after}");
            let mut c = code(&old, quote, None);
            let qs = c.start;
            let qe = c.end;
            let total = old.chars().count();
            // Not right beside the words: a coding moves only where some of its context
            // still is (`MIN_SUPPORT`), so the edit leaves a band of it on its side.
            let new = if edit_before {
                edit(&old, 0, qs.saturating_sub(GUARD), at, len, &ins)
            } else {
                edit(&old, (qe + GUARD).min(total), total, at, len, &ins)
            };
            prop_assume!(new.matches(quote).count() == 1);
            let r = reattach(&new, &mut c);
            prop_assert!(r != Reattach::Orphaned);
            prop_assert!(on_words(&new, &c, quote));
            let expected_start = new.split(quote).next().unwrap().chars().count();
            prop_assert_eq!(c.start, expected_start);
        }

        #[test]
        fn repeated_quotes_keep_to_their_own_context(
            head in unicode_text(),
            middle in unicode_text(),
            tail in unicode_text(),
            region in 0usize..3,
            ins in unicode_text(),
        ) {
            let q = "we trust";
            let ctx1 = ("CYFD staff said this week that ", " La Casa, and they meant it sincerely.");
            let ctx2 = ("La Casa advocates told the group ", " CYFD investigators to call first now.");
            let p1 = format!("{}{q}{}", ctx1.0, ctx1.1);
            let p2 = format!("{}{q}{}", ctx2.0, ctx2.1);
            let old = format!("{head}\n{p1}\n{middle}\n{p2}\n{tail}");
            let mut c = code(&old, q, Some(2));
            let new = match region {
                0 => format!("{head}{ins}\n{p1}\n{middle}\n{p2}\n{tail}"),
                1 => format!("{head}\n{p1}\n{middle}{ins}\n{p2}\n{tail}"),
                _ => format!("{head}\n{p1}\n{middle}\n{p2}\n{ins}{tail}"),
            };
            prop_assume!(new.matches(q).count() == 2);
            reattach(&new, &mut c);
            prop_assert!(on_words(&new, &c, q));
            prop_assert_eq!(char_slice(&new, c.end, c.end + 5), " CYFD");
        }

        #[test]
        fn in_place_check_agrees_with_the_search_on_any_edit(
            text in unicode_text(),
            bounds in prop::collection::vec((0usize..80, 0usize..12), 1..5),
            at in 0usize..200,
            len in 0usize..10,
            ins in unicode_text(),
        ) {
            let n = text.chars().count();
            prop_assume!(n > 0);
            let codings: Vec<Coding> = bounds
                .iter()
                .filter_map(|&(s, l)| {
                    let s = s % n;
                    let e = (s + 1 + l).min(n);
                    new_coding(&text, &SessionId::new(), s, e, "trust", "Ana", "").ok()
                })
                .collect();
            let new = edit(&text, 0, n, at, len, &ins);
            assert_same_as_slow(&text, &codings);
            assert_same_as_slow(&new, &codings);
        }

        #[test]
        fn deleting_the_quote_orphans_it(
            before in unicode_text(),
            after in unicode_text(),
            cut_before in 0usize..5,
            cut_after in 0usize..5,
        ) {
            let quote = "«we trust each other»";
            let old = format!("{before}{quote}{after}");
            let mut c = code(&old, quote, None);
            let chars: Vec<char> = old.chars().collect();
            let s = c.start.saturating_sub(cut_before);
            let e = (c.end + cut_after).min(chars.len());
            let new: String = chars[..s].iter().chain(&chars[e..]).collect();
            prop_assert_eq!(reattach(&new, &mut c), Reattach::Orphaned);
            prop_assert_eq!(c.status, AnchorStatus::Orphaned);
            prop_assert!(c.start <= c.end && c.end <= new.chars().count());
            prop_assert_eq!(c.quote.as_str(), quote);
        }
    }
}
