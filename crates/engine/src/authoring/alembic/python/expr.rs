//! Python expressions from the parser's tree as [`Value`]s: literals, dotted names, calls and
//! the shapes around them kept, the rest said in words. Bounded in depth whatever the tree.
//! Pure. Must not import the file system.

use rustpython_ruff_python_ast::{self as py, Expr, Operator, UnaryOp};
use rustpython_ruff_text_size::Ranged;

use super::Value;

/// Deeper than anything [`super::depth`] lets through; a bound of its own all the same.
const MAX_DEPTH: usize = 4 * super::depth::MAX_DEPTH;

/// `expr` as a value; `text` is the source its ranges point into.
pub(super) fn value(expr: &Expr, text: &str) -> Value {
    Reader { text }.value(expr, 0)
}

struct Reader<'t> {
    text: &'t str,
}

impl Reader<'_> {
    fn value(&self, expr: &Expr, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Other("an expression nested too deep".into());
        }
        let depth = depth + 1;
        match expr {
            Expr::StringLiteral(s) => Value::Str(s.value.to_str().to_string()),
            Expr::NumberLiteral(n) => Value::Num(self.written(n)),
            Expr::BooleanLiteral(b) => Value::Name(if b.value { "True" } else { "False" }.into()),
            Expr::NoneLiteral(_) => Value::Name("None".into()),
            Expr::Name(name) => Value::Name(name.id.as_str().to_string()),
            Expr::Attribute(attribute) => match self.value(&attribute.value, depth) {
                Value::Name(on) => Value::Name(format!("{on}.{}", attribute.attr.as_str())),
                on => Value::Attribute {
                    on: Box::new(on),
                    name: attribute.attr.as_str().to_string(),
                },
            },
            Expr::Call(call) => self.call(call, depth),
            Expr::UnaryOp(unary) => match (unary.op, self.value(&unary.operand, depth)) {
                (UnaryOp::USub, Value::Num(n)) if !n.starts_with('-') => {
                    Value::Num(format!("-{n}"))
                }
                _ => Value::Other("a unary operation".into()),
            },
            Expr::BinOp(binary) => match (
                binary.op,
                self.value(&binary.left, depth),
                self.value(&binary.right, depth),
            ) {
                // Literal strings joined with `+` are one literal, as Python computes it.
                (Operator::Add, Value::Str(left), Value::Str(right)) => Value::Str(left + &right),
                _ => Value::Other("a binary expression".into()),
            },
            Expr::Compare(compare) => Value::Compare {
                left: Box::new(self.value(&compare.left, depth)),
                ops: compare
                    .ops
                    .iter()
                    .zip(compare.comparators.iter())
                    .map(|(op, right)| (op.as_str().to_string(), self.value(right, depth)))
                    .collect(),
            },
            Expr::Tuple(tuple) => Value::Seq(self.all(&tuple.elts, depth)),
            Expr::List(list) => Value::Seq(self.all(&list.elts, depth)),
            Expr::Dict(dict) => Value::Dict(
                dict.items
                    .iter()
                    .map(|item| {
                        (
                            item.key.as_ref().map(|k| self.value(k, depth)),
                            self.value(&item.value, depth),
                        )
                    })
                    .collect(),
            ),
            Expr::Subscript(subscript) => Value::Subscript {
                on: Box::new(self.value(&subscript.value, depth)),
                index: Box::new(self.value(&subscript.slice, depth)),
            },
            other => Value::Other(words(other).into()),
        }
    }

    fn all(&self, items: &[Expr], depth: usize) -> Vec<Value> {
        items.iter().map(|item| self.value(item, depth)).collect()
    }

    fn call(&self, call: &py::ExprCall, depth: usize) -> Value {
        let (args, kwargs) = self.arguments(&call.arguments, depth);
        match self.value(&call.func, depth) {
            Value::Name(func) => Value::Call { func, args, kwargs },
            Value::Attribute { on, name } => Value::Method {
                on,
                name,
                args,
                kwargs,
            },
            _ => Value::Other("a call of a computed function".into()),
        }
    }

    fn arguments(
        &self,
        arguments: &py::Arguments,
        depth: usize,
    ) -> (Vec<Value>, Vec<(String, Value)>) {
        let args = arguments
            .args
            .iter()
            .map(|arg| match arg {
                Expr::Starred(_) => Value::Other("a `*` argument".into()),
                arg => self.value(arg, depth),
            })
            .collect();
        let kwargs = arguments
            .keywords
            .iter()
            .map(|keyword| {
                let key = keyword.arg.as_ref().map_or("**", |k| k.as_str());
                (key.to_string(), self.value(&keyword.value, depth))
            })
            .collect();
        (args, kwargs)
    }

    /// A literal's text as written.
    fn written(&self, node: &impl Ranged) -> String {
        let range = node.range();
        self.text
            .get(range.start().to_usize()..range.end().to_usize())
            .unwrap_or_default()
            .to_string()
    }
}

/// What an expression the importer does not read is, in words.
fn words(expr: &Expr) -> &'static str {
    match expr {
        Expr::FString(_) => "an f-string",
        Expr::TString(_) => "a t-string",
        Expr::BytesLiteral(_) => "a bytes literal",
        Expr::BoolOp(_) => "a boolean expression",
        Expr::Named(_) => "an assignment expression",
        Expr::Lambda(_) => "a lambda",
        Expr::If(_) => "a conditional expression",
        Expr::Set(_) => "a set",
        Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_) => {
            "a comprehension"
        }
        Expr::Await(_) | Expr::Yield(_) | Expr::YieldFrom(_) => "an `await` or `yield`",
        Expr::Starred(_) => "a `*` expression",
        Expr::Slice(_) => "a slice",
        Expr::EllipsisLiteral(_) => "`...`",
        _ => "an expression",
    }
}
