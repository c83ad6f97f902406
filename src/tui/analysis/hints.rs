//! The status line's key hints for the analysis screen, from the keymap.

use super::{AnalysisScreen, View};

/// The status line's key hints for the view shown.
pub fn hints(an: &AnalysisScreen) -> String {
    use crate::tui::keymap::{self, Action as A, AnalysisKey as K, Context, Hint::*};
    if an.editing.is_some() {
        return keymap::hints(
            Context::AnalysisInput,
            &[Text("type"), Key(A::Accept), Key(A::Cancel)],
        );
    }
    let items: &[keymap::Hint] = match an.view() {
        View::Matrix => &[
            Key(A::OpenResult),
            Key(A::Analysis(K::NextDimension)),
            Key(A::Analysis(K::NextValue)),
            Key(A::Analysis(K::EditQuery)),
            Key(A::Analysis(K::Fold)),
            Key(A::Analysis(K::Flat)),
            Key(A::Analysis(K::Cooccurrence)),
            Key(A::Analysis(K::Terms)),
            Key(A::Analysis(K::Keywords)),
            Key(A::OpenAgreement),
            Key(A::Help),
        ],
        View::Cooccur => &[
            Key(A::OpenResult),
            Key(A::Analysis(K::Level)),
            Key(A::Analysis(K::SameCoder)),
            Key(A::Analysis(K::Coefficient)),
            Key(A::Analysis(K::EditQuery)),
            Key(A::Analysis(K::Matrix)),
            Key(A::Analysis(K::Terms)),
            Key(A::Help),
        ],
        View::Terms => &[
            Key(A::OpenResult),
            Key(A::Analysis(K::Concordance)),
            Key(A::Analysis(K::NextDimension)),
            Key(A::Analysis(K::Per10k)),
            Key(A::Analysis(K::EditWords)),
            Key(A::Analysis(K::Keywords)),
            Key(A::Analysis(K::Matrix)),
            Key(A::Help),
        ],
        View::Kwic => &[Key(A::OpenResult), Said(A::Back, "back"), Key(A::Help)],
        View::Keywords => &[
            Said(A::OpenResult, "concordance"),
            Said(A::Back, "back"),
            Key(A::Help),
        ],
    };
    keymap::hints(Context::Analysis, items)
}
