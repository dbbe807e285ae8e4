//! Henan's administrative divisions, shipped with the binary, so that one
//! county written three ways (安阳北关区, 安阳市北关区, 北关区) has one page.

use std::sync::OnceLock;

const DIVISIONS_TSV: &str = include_str!("../../data/henan_divisions.tsv");
const ALIASES_TSV: &str = include_str!("../../data/henan_aliases.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Province,
    Prefecture,
    County,
}

#[derive(Debug, Clone)]
pub struct Division {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent: Option<usize>,
}

/// Where a report's county resolved to.
/// The prefecture that counties the gazetteer does not know are listed
/// under.
pub const UNKNOWN_PREFECTURE: &str = "未识别";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    /// The official division code, or `None` when the name is unknown.
    pub code: Option<String>,
    /// The official name (北关区), or the name as written when unknown.
    pub name: String,
    /// The prefecture's official name (安阳市); `None` when unknown.
    pub prefecture: Option<String>,
}

impl Place {
    /// The prefecture's name, or `UNKNOWN_PREFECTURE`.
    pub fn prefecture_name(&self) -> &str {
        self.prefecture.as_deref().unwrap_or(UNKNOWN_PREFECTURE)
    }

    /// A report about the prefecture as a whole (市本级), not one county.
    pub fn is_prefecture_itself(&self) -> bool {
        self.prefecture.as_deref() == Some(self.name.as_str())
    }

    /// 安阳市北关区; a prefecture alone is its own name.
    pub fn full_name(&self) -> String {
        match &self.prefecture {
            Some(prefecture) if prefecture != &self.name => format!("{prefecture}{}", self.name),
            _ => self.name.clone(),
        }
    }
}

pub struct Gazetteer {
    divisions: Vec<Division>,
    aliases: Vec<(String, usize)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Found(Place),
    /// Several divisions fit the name; the report is published under the
    /// name as written.
    Ambiguous(Vec<String>),
    Unknown,
}

impl Gazetteer {
    pub fn henan() -> &'static Gazetteer {
        static HENAN: OnceLock<Gazetteer> = OnceLock::new();
        HENAN.get_or_init(|| Gazetteer::parse(DIVISIONS_TSV, ALIASES_TSV))
    }

    fn parse(divisions_tsv: &str, aliases_tsv: &str) -> Gazetteer {
        let rows: Vec<Vec<&str>> = divisions_tsv
            .lines()
            .skip(1)
            .filter(|line| !line.trim().is_empty())
            .map(|line| line.split('\t').map(str::trim).collect())
            .collect();
        let mut divisions: Vec<Division> = rows
            .iter()
            .map(|row| Division {
                code: row[0].to_string(),
                name: row[1].to_string(),
                level: match row[2] {
                    "province" => Level::Province,
                    "prefecture" => Level::Prefecture,
                    _ => Level::County,
                },
                parent: None,
            })
            .collect();
        for (index, row) in rows.iter().enumerate() {
            let parent_code = row.get(3).copied().unwrap_or("");
            divisions[index].parent = rows.iter().position(|other| other[0] == parent_code);
        }
        let aliases = aliases_tsv
            .lines()
            .skip(1)
            .filter_map(|line| {
                let (alias, code) = line.split_once('\t')?;
                let index = divisions.iter().position(|d| d.code == code.trim())?;
                Some((alias.trim().to_string(), index))
            })
            .collect();
        Gazetteer { divisions, aliases }
    }

    pub fn divisions(&self) -> &[Division] {
        &self.divisions
    }

    pub fn prefectures(&self) -> impl Iterator<Item = &Division> {
        self.divisions
            .iter()
            .filter(|d| d.level == Level::Prefecture)
    }

    /// Position of a prefecture in official code order, for sorting.
    pub fn prefecture_rank(&self, name: &str) -> usize {
        self.prefectures()
            .position(|d| d.name == name)
            .unwrap_or(usize::MAX)
    }

    pub fn resolve(&self, written: &str) -> Resolution {
        let cleaned: String = written
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>();
        let cleaned = cleaned
            .strip_prefix("河南省")
            .or_else(|| cleaned.strip_prefix("河南"))
            .unwrap_or(&cleaned)
            .to_string();
        if cleaned.is_empty() {
            return Resolution::Unknown;
        }
        if let Some((_, index)) = self.aliases.iter().find(|(alias, _)| *alias == cleaned) {
            return Resolution::Found(self.place(*index));
        }
        if let Some(index) = self.divisions.iter().position(|d| {
            d.level == Level::Prefecture && (d.name == cleaned || short_name(&d.name) == cleaned)
        }) {
            return Resolution::Found(self.place(index));
        }
        let mut candidates: Vec<usize> = Vec::new();
        for (prefecture_index, prefecture) in self.divisions.iter().enumerate() {
            if prefecture.level != Level::Prefecture {
                continue;
            }
            let short = short_name(&prefecture.name);
            for prefix in [prefecture.name.as_str(), short.as_str()] {
                if let Some(rest) = cleaned.strip_prefix(prefix) {
                    candidates.extend(self.counties_named(rest, Some(prefecture_index)));
                }
            }
        }
        if candidates.is_empty() {
            candidates.extend(self.counties_named(&cleaned, None));
        }
        candidates.sort_unstable();
        candidates.dedup();
        match candidates.as_slice() {
            [] => Resolution::Unknown,
            [one] => Resolution::Found(self.place(*one)),
            many => {
                Resolution::Ambiguous(many.iter().map(|&i| self.place(i).full_name()).collect())
            }
        }
    }

    fn counties_named(&self, written: &str, prefecture: Option<usize>) -> Vec<usize> {
        if written.is_empty() {
            return Vec::new();
        }
        let written_short = short_name(written);
        self.divisions
            .iter()
            .enumerate()
            .filter(|(_, d)| d.level == Level::County)
            .filter(|(_, d)| prefecture.is_none() || d.parent == prefecture)
            .filter(|(_, d)| {
                let short = short_name(&d.name);
                d.name == written
                    || short == written
                    || (written_short.chars().count() >= 2 && short == written_short)
            })
            .map(|(index, _)| index)
            .collect()
    }

    fn place(&self, index: usize) -> Place {
        let division = &self.divisions[index];
        let prefecture = match division.level {
            Level::County => division.parent.map(|p| self.divisions[p].name.clone()),
            _ => Some(division.name.clone()),
        };
        Place {
            code: Some(division.code.clone()),
            name: division.name.clone(),
            prefecture,
        }
    }
}

/// 管城回族区 → 管城, 北关区 → 北关, 辉县市 → 辉县, 安阳市 → 安阳.
fn short_name(name: &str) -> String {
    let without_ethnic = name.replace("回族", "");
    let mut chars: Vec<char> = without_ethnic.chars().collect();
    if chars.len() >= 2 && matches!(chars.last(), Some('区' | '县' | '市')) {
        chars.pop();
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(name: &str) -> Place {
        match Gazetteer::henan().resolve(name) {
            Resolution::Found(place) => place,
            other => panic!("{name}: {other:?}"),
        }
    }

    #[test]
    fn the_ways_the_seeds_write_counties_resolve_to_one_place() {
        assert_eq!(resolve("安阳北关区"), resolve("安阳市北关区"));
        assert_eq!(resolve("北关区").full_name(), "安阳市北关区");
        assert_eq!(resolve("郑州管城回族区").name, "管城回族区");
        assert_eq!(resolve("管城区").name, "管城回族区");
        assert_eq!(resolve("新蔡县").prefecture.as_deref(), Some("驻马店市"));
        assert_eq!(resolve("驻马店新蔡县"), resolve("新蔡县"));
        assert_eq!(resolve("信阳市息县").name, "息县");
        assert_eq!(resolve("安阳文峰区").full_name(), "安阳市文峰区");
        assert_eq!(resolve("辉县").name, "辉县市");
        assert_eq!(resolve("安阳县").name, "安阳县");
        assert_eq!(resolve("安阳").name, "安阳市");
        assert_eq!(resolve("新乡县").prefecture.as_deref(), Some("新乡市"));
    }

    #[test]
    fn unknown_names_stay_unknown() {
        assert_eq!(Gazetteer::henan().resolve("火星县"), Resolution::Unknown);
        assert_eq!(Gazetteer::henan().resolve(""), Resolution::Unknown);
    }

    #[test]
    fn every_prefecture_has_counties_except_jiyuan() {
        let g = Gazetteer::henan();
        assert_eq!(g.prefectures().count(), 18);
        for (index, prefecture) in g.divisions().iter().enumerate() {
            if prefecture.level != Level::Prefecture || prefecture.name == "济源市" {
                continue;
            }
            let counties = g
                .divisions()
                .iter()
                .filter(|d| d.parent == Some(index))
                .count();
            assert!(counties >= 4, "{} has {counties}", prefecture.name);
        }
    }
}
