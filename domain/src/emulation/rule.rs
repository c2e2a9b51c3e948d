//! The parameters of each eligibility rule, as a catalogue version stores them. Where
//! `domain.md` marks a count or a share unverified, it is a parameter here with the default
//! the research found, so a province (or a later decree) changes data, not code.
//!
//! A version is stored with every parameter written out (the defaults filled in), so what a
//! version decided by stays readable after the defaults change.

use entity::enums::{DutyRatingLevel, EligibilityRule, InitiativeScope};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The largest parameter object accepted (JSON text).
pub const MAX_PARAMETER_BYTES: usize = 4_096;

/// Lao động tiên tiến (Luật 2022 Điều 24; NĐ 91/2017 regime for the months and discipline [U]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct LabourAdvanced {
    /// The lowest duty rating of the year that qualifies.
    pub min_rating: DutyRatingLevel,
    /// Staff recruited later in the year qualify only with this many months worked.
    pub min_months_worked: u8,
    /// Whether a discipline in force during the year bars the title.
    pub discipline_bars: bool,
}

impl Default for LabourAdvanced {
    fn default() -> Self {
        Self {
            min_rating: DutyRatingLevel::Good,
            min_months_worked: 10,
            discipline_bars: true,
        }
    }
}

/// Chiến sĩ thi đua cơ sở (Luật 2022 Điều 23): Lao động tiên tiến and a recognised initiative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EmulationFighterBase {
    /// The title the same year must also hold.
    pub title_needed: String,
    pub min_initiatives: u8,
    /// The lowest scope an initiative must be recognised at.
    pub initiative_scope: InitiativeScope,
}

impl Default for EmulationFighterBase {
    fn default() -> Self {
        Self {
            title_needed: "LAO_DONG_TIEN_TIEN".into(),
            min_initiatives: 1,
            initiative_scope: InitiativeScope::Base,
        }
    }
}

/// A title earned a number of consecutive times, plus initiatives at a scope: Chiến sĩ thi đua
/// cấp tỉnh (3 × cơ sở, an initiative recognised at provincial scope; Luật 2022 Điều 22) and
/// toàn quốc (2 × cấp tỉnh, nation-wide scope; Luật 2022 Điều 21).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsecutiveTitles {
    /// The lower title held.
    pub title: String,
    /// How many times in a row, ending the year before the proposal.
    pub consecutive: u8,
    #[serde(default = "one")]
    pub min_initiatives: u8,
    pub initiative_scope: InitiativeScope,
}

fn one() -> u8 {
    1
}

/// Bằng khen của Chủ tịch UBND tỉnh, regular branch: two consecutive years rated excellent and,
/// in that time, initiatives recognised at base scope (Lâm Đồng and Hà Nội configurations;
/// article U).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ProvinceCertificate {
    pub consecutive_excellent_years: u8,
    pub min_initiatives: u8,
    pub initiative_scope: InitiativeScope,
}

impl Default for ProvinceCertificate {
    fn default() -> Self {
        Self {
            consecutive_excellent_years: 2,
            min_initiatives: 2,
            initiative_scope: InitiativeScope::Base,
        }
    }
}

/// An award held, then consecutive years of ratings with titles among them: Bằng khen của Thủ
/// tướng (Bằng khen tỉnh, then 5 years ≥ HTTNV with Chiến sĩ thi đua cơ sở wins; counts U) and
/// Huân chương Lao động hạng Ba (Bằng khen Thủ tướng, then 5 years ≥ HTTNV with ≥ 1 HTXSNV and
/// 3 × Chiến sĩ thi đua cơ sở; Luật 2022 Điều 44 k1 e).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AwardThenYears {
    /// The award that must be held before the years start.
    pub prerequisite: String,
    /// Consecutive years, from after the prerequisite's window to the year before the proposal.
    pub years: u8,
    pub min_rating: DutyRatingLevel,
    #[serde(default)]
    pub min_excellent_years: u8,
    /// The title counted among those years, and how many times.
    pub title: String,
    pub min_titles: u8,
}

/// Tập thể lao động tiên tiến / xuất sắc (Luật 2022; values U, encoded as a checklist).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CollectiveTitle {
    /// The unit's own rating of the year.
    pub min_rating: DutyRatingLevel,
    /// The share of members (in per cent) holding Lao động tiên tiến that year.
    pub min_share_advanced: u8,
    /// How many members must hold Chiến sĩ thi đua cơ sở that year.
    #[serde(default)]
    pub min_fighters: u8,
    /// Whether a member disciplined (cảnh cáo or heavier) during the year bars the title.
    #[serde(default = "yes")]
    pub discipline_bars: bool,
}

fn yes() -> bool {
    true
}

/// A rule with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleParameters {
    CouncilJudgement,
    LabourAdvanced(LabourAdvanced),
    EmulationFighterBase(EmulationFighterBase),
    ConsecutiveTitles(ConsecutiveTitles),
    ProvinceCertificate(ProvinceCertificate),
    AwardThenYears(AwardThenYears),
    CollectiveTitle(CollectiveTitle),
}

impl RuleParameters {
    /// The defaults of `rule` (what a version gets when it gives no parameters).
    pub fn defaults(rule: EligibilityRule) -> Self {
        use EligibilityRule as R;
        match rule {
            R::CouncilJudgement => Self::CouncilJudgement,
            R::LabourAdvanced => Self::LabourAdvanced(LabourAdvanced::default()),
            R::EmulationFighterBase => Self::EmulationFighterBase(EmulationFighterBase::default()),
            R::EmulationFighterProvince => Self::ConsecutiveTitles(ConsecutiveTitles {
                title: "CSTD_CO_SO".into(),
                consecutive: 3,
                min_initiatives: 1,
                initiative_scope: InitiativeScope::Province,
            }),
            R::EmulationFighterNational => Self::ConsecutiveTitles(ConsecutiveTitles {
                title: "CSTD_TINH".into(),
                consecutive: 2,
                min_initiatives: 1,
                initiative_scope: InitiativeScope::National,
            }),
            R::ProvinceCertificate => Self::ProvinceCertificate(ProvinceCertificate::default()),
            R::PrimeMinisterCertificate => Self::AwardThenYears(AwardThenYears {
                prerequisite: "BANG_KHEN_TINH".into(),
                years: 5,
                min_rating: DutyRatingLevel::Good,
                min_excellent_years: 0,
                title: "CSTD_CO_SO".into(),
                min_titles: 2,
            }),
            R::LabourOrder => Self::AwardThenYears(AwardThenYears {
                prerequisite: "BANG_KHEN_THU_TUONG".into(),
                years: 5,
                min_rating: DutyRatingLevel::Good,
                min_excellent_years: 1,
                title: "CSTD_CO_SO".into(),
                min_titles: 3,
            }),
            R::CollectiveAdvanced => Self::CollectiveTitle(CollectiveTitle {
                min_rating: DutyRatingLevel::Good,
                min_share_advanced: 50,
                min_fighters: 0,
                discipline_bars: true,
            }),
            R::CollectiveExcellent => Self::CollectiveTitle(CollectiveTitle {
                min_rating: DutyRatingLevel::Excellent,
                min_share_advanced: 70,
                min_fighters: 1,
                discipline_bars: true,
            }),
        }
    }

    /// The parameters of `rule` from stored or given JSON: absent or `{}` gives the defaults;
    /// a given object replaces the defaults key by key. Unknown keys and wrong types are
    /// refused with a message naming them.
    pub fn parse(rule: EligibilityRule, given: Option<&Value>) -> Result<Self, String> {
        let defaults = Self::defaults(rule).to_json();
        let merged = match given {
            None | Some(Value::Null) => defaults,
            Some(Value::Object(given)) => {
                let mut merged = defaults.as_object().cloned().unwrap_or_default();
                for (key, value) in given {
                    merged.insert(key.clone(), value.clone());
                }
                Value::Object(merged)
            }
            Some(_) => return Err("the rule's parameters are a JSON object".into()),
        };
        let parsed = match rule {
            EligibilityRule::CouncilJudgement => match merged.as_object() {
                Some(o) if !o.is_empty() => {
                    return Err("a rule judged by the council takes no parameters".into());
                }
                _ => Ok(Self::CouncilJudgement),
            },
            _ => match Self::defaults(rule) {
                Self::LabourAdvanced(_) => serde_json::from_value(merged).map(Self::LabourAdvanced),
                Self::EmulationFighterBase(_) => {
                    serde_json::from_value(merged).map(Self::EmulationFighterBase)
                }
                Self::ConsecutiveTitles(_) => {
                    serde_json::from_value(merged).map(Self::ConsecutiveTitles)
                }
                Self::ProvinceCertificate(_) => {
                    serde_json::from_value(merged).map(Self::ProvinceCertificate)
                }
                Self::AwardThenYears(_) => serde_json::from_value(merged).map(Self::AwardThenYears),
                Self::CollectiveTitle(_) => {
                    serde_json::from_value(merged).map(Self::CollectiveTitle)
                }
                Self::CouncilJudgement => Ok(Self::CouncilJudgement),
            },
        };
        let parsed = parsed.map_err(|e| format!("the rule's parameters: {e}"))?;
        parsed.check()?;
        Ok(parsed)
    }

    /// Counts and shares within sense (a consecutive run of 0 years, a share over 100 %).
    fn check(&self) -> Result<(), String> {
        let within = |name: &str, value: u8, low: u8, high: u8| {
            if (low..=high).contains(&value) {
                Ok(())
            } else {
                Err(format!("`{name}` is from {low} to {high}"))
            }
        };
        let code = |name: &str, value: &str| {
            if super::catalogue::valid_code(value) {
                Ok(())
            } else {
                Err(format!("`{name}` is an award type code (A–Z, 0–9, _)"))
            }
        };
        match self {
            Self::CouncilJudgement => Ok(()),
            Self::LabourAdvanced(p) => within("minMonthsWorked", p.min_months_worked, 0, 12),
            Self::EmulationFighterBase(p) => {
                code("titleNeeded", &p.title_needed)?;
                within("minInitiatives", p.min_initiatives, 0, 10)
            }
            Self::ConsecutiveTitles(p) => {
                code("title", &p.title)?;
                within("consecutive", p.consecutive, 1, 10)?;
                within("minInitiatives", p.min_initiatives, 0, 10)
            }
            Self::ProvinceCertificate(p) => {
                within(
                    "consecutiveExcellentYears",
                    p.consecutive_excellent_years,
                    1,
                    10,
                )?;
                within("minInitiatives", p.min_initiatives, 0, 10)
            }
            Self::AwardThenYears(p) => {
                code("prerequisite", &p.prerequisite)?;
                code("title", &p.title)?;
                within("years", p.years, 1, 20)?;
                within("minExcellentYears", p.min_excellent_years, 0, p.years)?;
                within("minTitles", p.min_titles, 0, p.years)
            }
            Self::CollectiveTitle(p) => {
                within("minShareAdvanced", p.min_share_advanced, 0, 100)?;
                within("minFighters", p.min_fighters, 0, 100)
            }
        }
    }

    /// The award codes the rule counts (a title in a chain, a prerequisite): a record of one
    /// of them being revoked puts what relied on it under review.
    pub fn references(&self) -> Vec<&str> {
        match self {
            Self::CouncilJudgement
            | Self::LabourAdvanced(_)
            | Self::ProvinceCertificate(_)
            | Self::CollectiveTitle(_) => Vec::new(),
            Self::EmulationFighterBase(p) => vec![p.title_needed.as_str()],
            Self::ConsecutiveTitles(p) => vec![p.title.as_str()],
            Self::AwardThenYears(p) => vec![p.prerequisite.as_str(), p.title.as_str()],
        }
    }

    /// Whether the rule counts records of `code`.
    pub fn counts(&self, code: &str) -> bool {
        self.references().contains(&code)
    }

    /// Every parameter written out, as stored.
    pub fn to_json(&self) -> Value {
        let value = match self {
            Self::CouncilJudgement => Ok(Value::Object(Default::default())),
            Self::LabourAdvanced(p) => serde_json::to_value(p),
            Self::EmulationFighterBase(p) => serde_json::to_value(p),
            Self::ConsecutiveTitles(p) => serde_json::to_value(p),
            Self::ProvinceCertificate(p) => serde_json::to_value(p),
            Self::AwardThenYears(p) => serde_json::to_value(p),
            Self::CollectiveTitle(p) => serde_json::to_value(p),
        };
        value.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_fill_what_is_not_given_and_unknown_keys_are_refused() {
        let p = RuleParameters::parse(EligibilityRule::LabourOrder, Some(&json!({ "years": 6 })))
            .unwrap();
        let RuleParameters::AwardThenYears(p) = p else {
            panic!("{p:?}")
        };
        assert_eq!((p.years, p.min_titles), (6, 3));
        assert!(
            RuleParameters::parse(EligibilityRule::LabourOrder, Some(&json!({ "yaers": 6 })))
                .unwrap_err()
                .contains("yaers")
        );
        assert!(
            RuleParameters::parse(
                EligibilityRule::CollectiveAdvanced,
                Some(&json!({ "minShareAdvanced": 120 }))
            )
            .is_err()
        );
        assert!(
            RuleParameters::parse(EligibilityRule::CouncilJudgement, Some(&json!({ "x": 1 })))
                .is_err()
        );
        for rule in [
            EligibilityRule::CouncilJudgement,
            EligibilityRule::LabourAdvanced,
            EligibilityRule::EmulationFighterBase,
            EligibilityRule::EmulationFighterProvince,
            EligibilityRule::EmulationFighterNational,
            EligibilityRule::ProvinceCertificate,
            EligibilityRule::PrimeMinisterCertificate,
            EligibilityRule::LabourOrder,
            EligibilityRule::CollectiveAdvanced,
            EligibilityRule::CollectiveExcellent,
        ] {
            let stored = RuleParameters::defaults(rule).to_json();
            assert_eq!(
                RuleParameters::parse(rule, Some(&stored)).unwrap(),
                RuleParameters::defaults(rule),
                "{rule:?}"
            );
        }
    }
}
