//! A trained network's figures by key: the accuracies every task reports, and a task's own (a policy's return,
//! a generator's modes, a regression's error, when modular addition generalised). Plain data below the tasks,
//! the procedure and the records, so a task's figure travels under its own name, never as a borrowed accuracy,
//! and a new figure is a key here and a row's [`crate::engine::tasks::row::Figure`], not a field in every
//! struct that carries results.
//!
//! [`Figures`] is written into a report as the named fields files have always had (`"mean_return": 487.0`,
//! `"modes_covered": 8`, `"steps_to_generalise": null`), so reports, ticket files and sweep summaries written
//! before still read, and a run's report is byte for byte what it was.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Which figure. The order is the order files write a task's own figures in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FigureKey {
    /// Test accuracy at the end of training (a share; every task reports it, as a field of its own).
    TestAccuracy,
    /// Modular addition: the first evaluation step with test accuracy at least 95%; never, if it does not.
    StepsToGeneralise,
    /// A policy: the greedy policy's mean return on the seeded test episodes.
    MeanReturn,
    /// A generator: the modes its test points cover.
    ModesCovered,
    /// A generator: the share of its test points within 3σ of a mode.
    HighQualityFraction,
    /// A regression: mean squared error on the test split.
    TestMse,
}

/// The figures a task reports beside the accuracies, each with the name files write it under.
const OWN: [(FigureKey, &str); 5] = [
    (FigureKey::StepsToGeneralise, "steps_to_generalise"),
    (FigureKey::MeanReturn, "mean_return"),
    (FigureKey::ModesCovered, "modes_covered"),
    (FigureKey::HighQualityFraction, "high_quality_fraction"),
    (FigureKey::TestMse, "test_mse"),
];

impl FigureKey {
    /// The name files write it under.
    pub fn name(self) -> &'static str {
        match self {
            FigureKey::TestAccuracy => "test_accuracy",
            own => OWN.iter().find(|(k, _)| *k == own).map(|(_, name)| *name).expect("every own figure is named"),
        }
    }

    fn named(name: &str) -> Option<Self> {
        OWN.iter().find(|(_, n)| *n == name).map(|(k, _)| *k)
    }

    /// The name of its median over replicates, where summaries carry one (a policy's and a generator's figures:
    /// their seeds vary a lot, so they are judged by medians).
    pub(crate) fn median_name(self) -> Option<&'static str> {
        match self {
            FigureKey::MeanReturn => Some("median_return"),
            FigureKey::ModesCovered => Some("median_modes_covered"),
            FigureKey::HighQualityFraction => Some("median_high_quality_fraction"),
            FigureKey::TestAccuracy | FigureKey::StepsToGeneralise | FigureKey::TestMse => None,
        }
    }

    fn by_median_name(name: &str) -> Option<Self> {
        OWN.iter().map(|(k, _)| *k).find(|k| k.median_name() == Some(name))
    }

    /// Counted in whole numbers (steps, modes): one network's value is written as an integer.
    fn whole(self) -> bool {
        matches!(self, FigureKey::StepsToGeneralise | FigureKey::ModesCovered)
    }
}

/// One network's own figures, by key. A figure that was measured and never reached (modular addition that
/// never generalised) is present with no value: `null` in files.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures(BTreeMap<FigureKey, Option<f64>>);

impl Figures {
    /// No figures (a classifier's).
    pub fn none() -> Self {
        Self::default()
    }

    /// These figures and `key` at `value`.
    pub fn with(mut self, key: FigureKey, value: f64) -> Self {
        self.0.insert(key, Some(value));
        self
    }

    /// These figures and `key` measured: at `value`, or never reached (None).
    pub fn with_reached(mut self, key: FigureKey, value: Option<f64>) -> Self {
        self.0.insert(key, value);
        self
    }

    /// The value of `key`: None where it was not measured or never reached.
    pub fn get(&self, key: FigureKey) -> Option<f64> {
        self.0.get(&key).copied().flatten()
    }

    /// Whether `key` was measured (reached or not).
    pub fn has(&self, key: FigureKey) -> bool {
        self.0.contains_key(&key)
    }

    /// `key` as measured: None where it was not, `Some(None)` where it was never reached.
    pub fn measured(&self, key: FigureKey) -> Option<Option<f64>> {
        self.0.get(&key).copied()
    }

    /// The figures measured, in the order files write them.
    pub fn keys(&self) -> impl Iterator<Item = FigureKey> + '_ {
        self.0.keys().copied()
    }
}

impl Serialize for Figures {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (&key, value) in &self.0 {
            match value {
                // Whole figures are counted, and their values always whole: written as files have them.
                Some(v) if key.whole() => map.serialize_entry(key.name(), &(*v as u64))?,
                _ => map.serialize_entry(key.name(), value)?,
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Figures {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Named;
        impl<'de> Visitor<'de> for Named {
            type Value = Figures;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a task's figures as named fields")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Figures, A::Error> {
                let mut figures = Figures::none();
                while let Some(name) = map.next_key::<String>()? {
                    match FigureKey::named(&name) {
                        Some(key) => figures = figures.with_reached(key, map.next_value()?),
                        // The fields around the figures are their struct's.
                        None => drop(map.next_value::<IgnoredAny>()?),
                    }
                }
                Ok(figures)
            }
        }
        d.deserialize_map(Named)
    }
}

/// Something per own figure over replicates (a spread), with the median where summaries carry one; written as
/// `"mean_return": {…}, "median_return": 480.0`, in the order files have them.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureSpreads<T>(BTreeMap<FigureKey, (T, Option<f64>)>);

impl<T> Default for FigureSpreads<T> {
    fn default() -> Self {
        Self(BTreeMap::new())
    }
}

impl<T> FigureSpreads<T> {
    /// These spreads and `key`'s, with its median if its summaries carry one.
    pub fn with(mut self, key: FigureKey, spread: T, median: Option<f64>) -> Self {
        self.0.insert(key, (spread, median.filter(|_| key.median_name().is_some())));
        self
    }

    /// `key`'s spread, None where the replicates did not measure it.
    pub fn get(&self, key: FigureKey) -> Option<&T> {
        self.0.get(&key).map(|(s, _)| s)
    }

    /// `key`'s median over the replicates, where summaries carry one.
    pub fn median(&self, key: FigureKey) -> Option<f64> {
        self.0.get(&key).and_then(|(_, m)| *m)
    }

    /// The figures measured, in the order files write them.
    pub fn keys(&self) -> impl Iterator<Item = FigureKey> + '_ {
        self.0.keys().copied()
    }
}

impl<T: Serialize> Serialize for FigureSpreads<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (key, (spread, median)) in &self.0 {
            map.serialize_entry(key.name(), spread)?;
            if let (Some(name), Some(m)) = (key.median_name(), median) {
                map.serialize_entry(name, m)?;
            }
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for FigureSpreads<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Named<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Named<T> {
            type Value = FigureSpreads<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a task's figures over replicates as named fields")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FigureSpreads<T>, A::Error> {
                let mut spreads = BTreeMap::new();
                let mut medians = BTreeMap::new();
                while let Some(name) = map.next_key::<String>()? {
                    if let Some(key) = FigureKey::named(&name) {
                        spreads.insert(key, map.next_value::<T>()?);
                    } else if let Some(key) = FigureKey::by_median_name(&name) {
                        medians.insert(key, map.next_value::<f64>()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                let with_median = spreads.into_iter().map(|(k, s)| (k, (s, medians.get(&k).copied()))).collect();
                Ok(FigureSpreads(with_median))
            }
        }
        d.deserialize_map(Named(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tasks::TaskScore;

    /// A trained network's figures as files from before carry them, in the order they wrote them.
    const WRITTEN: [&str; 4] = [
        r#"{"steps_to_generalise":null,"steps_to_fit":300}"#,
        r#"{"steps_to_generalise":450,"steps_to_fit":100}"#,
        r#"{"mean_return":487.25,"episodes_to_solve":null}"#,
        r#"{"modes_covered":8,"high_quality_fraction":0.875,"points":[0.5,-1.0]}"#,
    ];

    #[test]
    fn a_file_s_figures_read_by_key_and_write_back_byte_for_byte() {
        let read: Vec<TaskScore> = WRITTEN.iter().map(|t| serde_json::from_str(t).unwrap()).collect();
        assert_eq!(read[0].figures.measured(FigureKey::StepsToGeneralise), Some(None), "never generalised");
        assert_eq!(read[1].figures.get(FigureKey::StepsToGeneralise), Some(450.0));
        assert_eq!(read[1].steps_to_fit, Some(Some(100)));
        assert_eq!(read[2].figures.get(FigureKey::MeanReturn), Some(487.25));
        assert_eq!(read[3].figures.get(FigureKey::ModesCovered), Some(8.0));
        assert_eq!(read[3].figures.get(FigureKey::HighQualityFraction), Some(0.875));
        assert!(!read[3].figures.has(FigureKey::MeanReturn), "a generator has no return");
        for (score, text) in read.iter().zip(WRITTEN) {
            assert_eq!(serde_json::to_string(score).unwrap(), text);
        }
    }

    #[test]
    fn a_median_travels_only_under_a_name_files_give_it() {
        let spreads = FigureSpreads::default().with(FigureKey::MeanReturn, 1.5, Some(2.0)).with(
            FigureKey::TestMse,
            0.25,
            Some(0.5),
        );
        let text = serde_json::to_string(&spreads).unwrap();
        assert_eq!(text, r#"{"mean_return":1.5,"median_return":2.0,"test_mse":0.25}"#);
        let back: FigureSpreads<f64> = serde_json::from_str(&text).unwrap();
        assert_eq!((back.median(FigureKey::MeanReturn), back.median(FigureKey::TestMse)), (Some(2.0), None));
        assert_eq!(back, spreads);
    }
}
