"""Runs queries through pinotdb's DB-API against a Cuvee node; prints one JSON answer per query.

Usage: python pinotdb_query.py HOST PORT QUERIES_JSON
QUERIES_JSON is a list of {"sql": ..., "parameters": {...}?}. Each answer is
{"columns": [...], "rows": [...]} or {"error": class name, "message": text}.
"""
import json
import sys

from pinotdb import connect
from pinotdb.exceptions import Error


def run(cursor, query):
    try:
        cursor.execute(query["sql"], query.get("parameters"))
    except Error as error:
        return {"error": type(error).__name__, "message": str(error)}
    return {
        "columns": [column[0] for column in cursor.description],
        "rows": [list(row) for row in cursor.fetchall()],
    }


def main():
    host, port, queries = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    connection = connect(host=host, port=port, path="/query/sql", scheme="http")
    try:
        cursor = connection.cursor()
        answers = [run(cursor, query) for query in queries]
    finally:
        connection.close()
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
