//! Settings that take one of a few named values (the dataset, the optimizer,
//! the pruning method…). Each enum lists its values once, with the name that
//! configs, URLs and the CLI use and a label for people; the URL codec, the
//! page's menus, the CLI's help and the tests all read that one list.

/// One value of a [`Choice`]: the value, its name in configs and links, and
/// how the page labels it.
pub struct Named<T: 'static> {
    pub value: T,
    pub name: &'static str,
    pub label: &'static str,
}

pub trait Choice: Copy + PartialEq + Sized + 'static {
    /// Every value, in the order menus list them.
    const OPTIONS: &'static [Named<Self>];

    /// The name configs and URLs use (serde's name of the variant).
    fn name(self) -> &'static str {
        Self::OPTIONS.iter().find(|o| o.value == self).map_or("", |o| o.name)
    }

    fn label(self) -> &'static str {
        Self::OPTIONS.iter().find(|o| o.value == self).map_or("", |o| o.label)
    }

    fn parse(name: &str) -> Option<Self> {
        Self::OPTIONS.iter().find(|o| o.name == name).map(|o| o.value)
    }

    fn all() -> impl Iterator<Item = Self> {
        Self::OPTIONS.iter().map(|o| o.value)
    }

    /// (name, label) pairs, for a menu.
    fn menu() -> Vec<(&'static str, &'static str)> {
        Self::OPTIONS.iter().map(|o| (o.name, o.label)).collect()
    }
}

/// `choices!(Enum { Variant => "name", "label"; … })`: the [`Choice`] table of an enum.
#[macro_export]
macro_rules! choices {
    ($ty:ty { $($variant:ident => $name:literal, $label:literal;)+ }) => {
        impl $crate::engine::choice::Choice for $ty {
            const OPTIONS: &'static [$crate::engine::choice::Named<Self>] = &[
                $($crate::engine::choice::Named { value: <$ty>::$variant, name: $name, label: $label },)+
            ];
        }
    };
}
