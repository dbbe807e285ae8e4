//! Splitting a content file into YAML front matter and Markdown body, and
//! reading the front matter's fields by their English or Chinese names with
//! the line each was written on, so every complaint can point at it.

use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use super::yaml_mistakes;

/// A field editors may write, with the Chinese names that mean the same.
pub struct FieldSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// Shown in messages: what the field is, in Chinese.
    pub label: &'static str,
}

#[derive(Debug)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub body: &'a str,
    /// 1-based line of the body's first line in the file.
    pub body_line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub line: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

impl FieldError {
    pub(super) fn new(
        line: Option<usize>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Self {
        FieldError {
            line,
            message: message.into(),
            hint,
        }
    }
}

/// Splits `---\n<yaml>\n---\n<body>`. A file without front matter is an
/// error: every content file must say what it is.
pub fn split(text: &str) -> Result<Split<'_>, FieldError> {
    let first_line = text.lines().next().unwrap_or("");
    if first_line.trim() == "+++" {
        return Err(FieldError::new(
            Some(1),
            "元数据块使用了 TOML（+++），本工具只接受 YAML",
            Some("请把首尾的 +++ 改为 ---，字段写成“字段: 值”".into()),
        ));
    }
    if first_line.trim_end() != "---" {
        let hint = if text.trim().is_empty() {
            "文件是空的：请按 README 的示例写上元数据块和正文，或删除此文件"
        } else {
            "文件第一行必须是 ---，接着写元数据（如 title: 标题），再用一行 --- 结束"
        };
        return Err(FieldError::new(
            Some(1),
            if text.trim().is_empty() {
                "文件是空的"
            } else {
                "文件开头没有元数据块（---）"
            },
            Some(hint.into()),
        ));
    }
    let after_open = first_line.len() + 1;
    let rest = text.get(after_open..).unwrap_or("");
    let mut offset = 0;
    for (index, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" || line.trim_end() == "..." {
            let yaml = &rest[..offset];
            let body_start = (offset + line.len()).min(rest.len());
            return Ok(Split {
                yaml,
                body: &rest[body_start..],
                body_line: index + 3,
            });
        }
        offset += line.len();
    }
    Err(FieldError::new(
        Some(1),
        "元数据块没有结束",
        Some("请在最后一个字段之后另起一行，写上 ---".into()),
    ))
}

/// Unknown fields listed one by one; the rest are counted in one message.
pub const MAX_UNKNOWN_LISTED: usize = 20;

/// The fields of one front matter block, taken one by one.
pub struct Fields<'a> {
    yaml: &'a str,
    /// Line of the opening `---`: field lines are counted from it.
    first_line: usize,
    values: Vec<(String, Value, Option<usize>)>,
    /// Fields an unknown key was probably meant to be (`countyy`): the
    /// editor hears of the misspelling once, not of a missing field too.
    misspelt: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    /// Parses the YAML and renames every key to its English field name.
    /// Keys that match no field are returned as errors, with a suggestion.
    pub fn parse(
        yaml: &'a str,
        first_line: usize,
        specs: &[FieldSpec],
    ) -> Result<(Fields<'a>, Vec<FieldError>), FieldError> {
        if let Some((index, depth)) = yaml_mistakes::too_deep(yaml) {
            return Err(FieldError::new(
                Some(first_line + 1 + index),
                format!("元数据中的方括号或花括号嵌套太深（这一行已到 {depth} 层，最多 {} 层）", yaml_mistakes::MAX_DEPTH),
                Some("元数据的值用不着这么多层括号：多半是误把别的内容粘贴进了元数据块，请检查这一行".into()),
            ));
        }
        let value: Value = if yaml.trim().is_empty() {
            Value::Mapping(Mapping::new())
        } else {
            serde_yaml::from_str(yaml)
                .map_err(|err| yaml_mistakes::explain(yaml, first_line, &err))?
        };
        let mapping = match value {
            Value::Mapping(mapping) => mapping,
            Value::Null => Mapping::new(),
            _ => {
                return Err(FieldError::new(
                    Some(first_line + 1),
                    "元数据应当是“字段: 值”的列表",
                    Some(yaml_mistakes::colon_hint(yaml, first_line)),
                ))
            }
        };
        let mut fields = Fields {
            yaml,
            first_line,
            values: Vec::new(),
            misspelt: Vec::new(),
        };
        let mut unknown = Vec::new();
        let mut unknown_count = 0;
        for (key, value) in mapping {
            let key_text = match &key {
                Value::String(s) => s.trim().to_string(),
                other => serde_yaml::to_string(other)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            };
            match specs
                .iter()
                .find(|spec| spec.name == key_text || spec.aliases.contains(&key_text.as_str()))
            {
                Some(spec) => {
                    let line = fields.key_line(&key_text);
                    if fields.values.iter().any(|(name, _, _)| name == spec.name) {
                        unknown.push(FieldError::new(
                            line,
                            format!("字段“{}”（{}）写了两次", key_text, spec.label),
                            Some("中文名和英文名指同一字段，请只保留一个".into()),
                        ));
                        continue;
                    }
                    fields.values.push((spec.name.to_string(), value, line));
                }
                // Finding a key's line reads the block: listing thousands
                // of keys one by one would take minutes and help no one.
                None if unknown_count >= MAX_UNKNOWN_LISTED => unknown_count += 1,
                None => {
                    unknown_count += 1;
                    if let Some(spec) = closest_field(&key_text, specs) {
                        fields.misspelt.push(spec.name);
                    }
                    unknown.push(FieldError::new(
                        fields.key_line(&key_text),
                        format!("未知字段“{key_text}”"),
                        Some(unknown_field_hint(&key_text, specs)),
                    ));
                }
            }
        }
        if unknown_count > MAX_UNKNOWN_LISTED {
            unknown.push(FieldError::new(
                Some(first_line),
                format!(
                    "元数据块中另有 {} 个未知字段，没有逐一列出",
                    unknown_count - MAX_UNKNOWN_LISTED
                ),
                Some(
                    "元数据块中只应有 README 所列的字段；是不是漏写了结束元数据块的那一行 ---，把正文也算进了元数据？"
                        .into(),
                ),
            ));
        }
        Ok((fields, unknown))
    }

    /// 1-based line of a top-level key in the file.
    fn key_line(&self, key: &str) -> Option<usize> {
        self.yaml.lines().enumerate().find_map(|(index, line)| {
            let trimmed = line.trim_start_matches('\u{feff}');
            let unquoted = trimmed.trim_start_matches(['"', '\'']);
            let starts = unquoted.starts_with(key)
                && unquoted[key.len()..]
                    .trim_start_matches(['"', '\''])
                    .trim_start()
                    .starts_with(':');
            (starts && !line.starts_with([' ', '\t'])).then_some(self.first_line + 1 + index)
        })
    }

    pub fn line_of(&self, name: &str) -> Option<usize> {
        self.values
            .iter()
            .find(|(field, _, _)| field == name)
            .and_then(|(_, _, line)| *line)
    }

    pub fn raw(&self, name: &str) -> Option<&Value> {
        self.values
            .iter()
            .find(|(field, _, _)| field == name)
            .map(|(_, value, _)| value)
            .filter(|value| !value.is_null())
    }

    /// A field of type `T`; `expected` says in Chinese what was expected.
    pub fn get<T: DeserializeOwned>(
        &self,
        spec: &FieldSpec,
        expected: &str,
    ) -> Result<Option<T>, FieldError> {
        let Some(value) = self.raw(spec.name) else {
            return Ok(None);
        };
        serde_yaml::from_value(value.clone())
            .map(Some)
            .map_err(|_| {
                FieldError::new(
                    self.line_of(spec.name),
                    format!(
                        "字段“{}”（{}）的值 {} 不是{}",
                        spec.name,
                        spec.label,
                        show_value(value),
                        expected
                    ),
                    Some(format!("请把“{}”改成{expected}，或删去这一行", spec.name)),
                )
            })
    }

    /// A text field; numbers are accepted as their text.
    pub fn text(&self, spec: &FieldSpec) -> Result<Option<String>, FieldError> {
        match self.raw(spec.name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) => Err(FieldError::new(
                self.line_of(spec.name),
                format!(
                    "字段“{}”（{}）应当是一行文字，却写成了 {}",
                    spec.name,
                    spec.label,
                    show_value(other)
                ),
                Some("如果文字中有冒号、井号或以引号开头，请把整个值用英文双引号括起来".into()),
            )),
        }
    }

    /// A list of texts: a YAML list, or one text separated by 、，；.
    pub fn text_list(&self, spec: &FieldSpec) -> Result<Vec<String>, FieldError> {
        list_of_texts(self.raw(spec.name)).map_err(|shown| {
            FieldError::new(
                self.line_of(spec.name),
                format!(
                    "字段“{}”（{}）应当是文字列表，却写成了 {shown}",
                    spec.name, spec.label
                ),
                Some("写成 [甲, 乙] 或每行一项的“- 甲”".into()),
            )
        })
    }

    /// A required field is not there; `None` when an unknown key was most
    /// likely it, misspelt (that key's error already says so).
    pub fn missing(&self, spec: &FieldSpec) -> Option<FieldError> {
        if self.misspelt.contains(&spec.name) {
            return None;
        }
        Some(FieldError::new(
            Some(self.first_line),
            format!("缺少必填字段“{}”（{}）", spec.name, spec.label),
            Some(format!(
                "请在元数据块中加一行“{}: …”（也可写作“{}: …”）",
                spec.name,
                spec.aliases.first().unwrap_or(&spec.name)
            )),
        ))
    }
}

/// A list of texts; a single text is split at Chinese list separators.
pub fn list_of_texts(value: Option<&Value>) -> Result<Vec<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(s
            .split(['、', '，', ',', '；', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()),
        Some(Value::Sequence(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.trim().to_string()),
                Value::Number(n) => Ok(n.to_string()),
                other => Err(show_value(other)),
            })
            .filter(|item| item.as_ref().map(|s| !s.is_empty()).unwrap_or(true))
            .collect(),
        Some(other) => Err(show_value(other)),
    }
}

pub fn show_value(value: &Value) -> String {
    let text = match value {
        Value::String(s) => format!("“{s}”"),
        Value::Mapping(_) => "一组字段".into(),
        Value::Sequence(_) => "一个列表".into(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    };
    crate::text::excerpt(&text, 40)
}

/// The field `key` is within two edits of, if any.
fn closest_field<'s>(key: &str, specs: &'s [FieldSpec]) -> Option<&'s FieldSpec> {
    specs
        .iter()
        .flat_map(|spec| {
            std::iter::once(spec.name)
                .chain(spec.aliases.iter().copied())
                .map(move |n| (n, spec))
        })
        .map(|(name, spec)| (edit_distance(key, name), name, spec))
        .filter(|(distance, name, _)| *distance <= typo_allowance(key, name))
        .min_by_key(|(distance, _, _)| *distance)
        .map(|(_, _, spec)| spec)
}

/// How many edits still make a typo: two in longer names (`titel`), one
/// in two-character ones (`地点` for `地区`), none in a single character,
/// which any two-character key is within two edits of (`备注`, `县`).
fn typo_allowance(key: &str, name: &str) -> usize {
    match key.chars().count().min(name.chars().count()) {
        0 | 1 => 0,
        2 | 3 => 1,
        _ => 2,
    }
}

fn unknown_field_hint(key: &str, specs: &[FieldSpec]) -> String {
    let names: Vec<String> = specs
        .iter()
        .map(|spec| format!("{}（{}）", spec.name, spec.aliases.join("、")))
        .collect();
    match closest_field(key, specs) {
        Some(spec) => format!(
            "是不是想写“{}”（{}）？可用的字段：{}",
            spec.name,
            spec.label,
            names.join("，")
        ),
        None => format!("请删除或改正它。可用的字段：{}", names.join("，")),
    }
}

pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[FieldSpec] = &[
        FieldSpec {
            name: "title",
            aliases: &["标题"],
            label: "标题",
        },
        FieldSpec {
            name: "county",
            aliases: &["县区"],
            label: "县区",
        },
    ];

    #[test]
    fn splits_front_matter_and_body() {
        let split = split("---\ntitle: 甲\n---\n\n正文\n").unwrap();
        assert_eq!(split.yaml, "title: 甲\n");
        assert_eq!(split.body, "\n正文\n");
        assert_eq!(split.body_line, 4);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split("---\ntitle: 甲\n正文\n").unwrap_err();
        assert!(err.message.contains("没有结束"));
    }

    #[test]
    fn chinese_keys_are_aliases_and_lines_are_counted() {
        let yaml = "标题: 甲\ncounty: 乙\ncountry: 丙\n";
        let (fields, unknown) = Fields::parse(yaml, 1, SPECS).unwrap();
        assert_eq!(fields.text(&SPECS[0]).unwrap().as_deref(), Some("甲"));
        assert_eq!(fields.line_of("county"), Some(3));
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].line, Some(4));
        assert!(unknown[0].hint.as_ref().unwrap().contains("county"));
    }

    #[test]
    fn deep_brackets_and_open_quotes_are_refused_at_their_line() {
        let deep = format!("issue: 1\ncounty: {}\n", "[".repeat(100_000));
        let Err(err) = Fields::parse(&deep, 1, SPECS) else {
            panic!("deep brackets must be refused")
        };
        assert_eq!(err.line, Some(3));
        let open = "issue: 1\ntitle: \"依托代表联络站点\nsupplier: 甲\n";
        let Err(err) = Fields::parse(open, 1, SPECS) else {
            panic!("an open quote must not parse")
        };
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("引号"), "{}", err.message);
    }

    #[test]
    fn chinese_colon_gets_a_pointed_hint() {
        let Err(err) = Fields::parse("标题：甲\n", 1, SPECS) else {
            panic!("a Chinese colon must not parse as a mapping")
        };
        assert!(err.hint.unwrap().contains("中文冒号"));
    }
}
